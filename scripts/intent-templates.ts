import type { Intent } from '../lambdas/core/vocabulary';
import { mulberry32 } from '../lambdas/core/prng';

/**
 * The project's own paraphrase templates per intent and language (see scripts/generate-intents.ts). `{slot}` is
 * filled from SLOTS; every template is expanded a few times with a seeded generator, then English rows get
 * shopper-style variants (lower case without punctuation, one typo). Deterministic: same templates, same rows.
 */

export interface GeneratedRow {
  readonly text: string;
  readonly intent: Intent;
  readonly lang: 'en' | 'ja';
}

const SLOTS: Readonly<Record<string, readonly string[]>> = {
  title: [
    'One Piece', 'Naruto', 'Berserk', 'Chainsaw Man', 'Jujutsu Kaisen', 'Spy x Family', 'Frieren', 'Vinland Saga',
    'Attack on Titan', 'Demon Slayer', 'My Hero Academia', 'Haikyu', 'Blue Lock', 'Dandadan', 'Kaiju No. 8',
    'Oshi no Ko', 'Bocchi the Rock', 'Vagabond', 'Monster', 'Dragon Ball', 'Slam Dunk', 'Yotsuba', 'Mushishi', 'Nana',
    'Fruits Basket', 'Sailor Moon', 'Death Note', 'Tokyo Ghoul', 'Hunter x Hunter', 'Fullmetal Alchemist',
    'Mob Psycho 100', 'Kingdom', 'Golden Kamuy', 'Dungeon Meshi', 'Witch Hat Atelier', 'Blue Period', 'Sakamoto Days',
    'Bleach', 'JoJo', 'Akira', 'Pluto', 'Kaguya-sama', 'Komi Cant Communicate', 'Mashle', 'Undead Unluck',
  ],
  jtitle: [
    'ワンピース', 'ナルト', 'ベルセルク', 'チェンソーマン', '呪術廻戦', 'スパイファミリー', '葬送のフリーレン',
    'ヴィンランド・サガ', '進撃の巨人', '鬼滅の刃', 'ヒロアカ', 'ハイキュー', 'ブルーロック', 'ダンダダン', '怪獣8号',
    '推しの子', 'ぼっち・ざ・ろっく', 'スラムダンク', 'よつばと', 'ナナ', '鋼の錬金術師', 'ダンジョン飯', 'キングダム',
    'ゴールデンカムイ', '東京喰種', 'ハンターハンター', 'ドラゴンボール', '銀魂', 'ブリーチ', 'ジョジョ', '薬屋のひとりごと',
    '僕の心のヤバイやつ', 'サカモトデイズ', 'ちはやふる', '三月のライオン', '宇宙兄弟',
  ],
  item: [
    'acrylic stands', 'keychains', 'figures', 'nendoroids', 'posters', 'tapestries', 'tote bags', 'hoodies',
    't-shirts', 'plushies', 'artbooks', 'light novels', 'blu-rays', 'calendars', 'sticker sets', 'pin badges',
    'wall scrolls', 'mugs', 'phone cases', 'cosplay wigs', 'model kits', 'gunpla', 'trading cards', 'box sets',
    'manga volumes', 'omnibus editions', 'deluxe editions', 'limited editions', 'bookmarks', 'cushions', 'keyrings',
    'scale figures', 'rubber straps', 'postcards', 'desk mats', 'lanyards', 'socks', 'caps', 'towels', 'notebooks',
  ],
  item1: [
    'acrylic stand', 'keychain', 'figure', 'nendoroid', 'poster', 'tapestry', 'tote bag', 'hoodie', 't-shirt',
    'plush', 'artbook', 'light novel', 'blu-ray', 'calendar', 'sticker set', 'pin badge', 'wall scroll', 'mug',
    'phone case', 'cosplay wig', 'model kit', 'box set', 'omnibus', 'deluxe edition', 'limited edition', 'bookmark',
    'cushion', 'scale figure', 'desk mat', 'lanyard', 'cap', 'hardcover', 'paperback', 'first edition', 'color edition',
  ],
  jitem: [
    'アクスタ', 'キーホルダー', 'フィギュア', 'ねんどろいど', 'ポスター', 'タペストリー', 'トートバッグ', 'パーカー',
    'Tシャツ', 'ぬいぐるみ', '画集', 'ラノベ', 'ブルーレイ', 'カレンダー', 'ステッカー', '缶バッジ', 'マグカップ',
    'スマホケース', 'プラモデル', 'トレカ', '全巻セット', '限定版', '特装版', '愛蔵版', '新装版', 'しおり', 'クッション',
    'ラバーストラップ', 'ポストカード', 'ファンブック', '公式ガイドブック', '単行本', '電子書籍', 'コミックス',
  ],
  need: [
    'a long flight', 'a rainy weekend', 'someone new to manga', 'a ten year old', 'my desk at work', 'a cosplay event',
    'a birthday present', 'a white elephant gift exchange', 'my bookshelf', 'a fan of cats', 'a secret santa',
    'my car', 'a teenager', 'a beginner artist', 'my gaming setup', 'a convention', 'studying Japanese',
  ],
  person: [
    'my nephew', 'my niece', 'my sister', 'my brother', 'my girlfriend', 'my boyfriend', 'a coworker', 'my son',
    'my daughter', 'my dad', 'my mom', 'my best friend', 'my roommate', 'my wife', 'my husband', 'a classmate',
  ],
  jperson: ['甥', '姪', '妹', '弟', '彼女', '彼氏', '同僚', '息子', '娘', '父', '母', '友達', '妻', '夫', '先輩', '後輩'],
  genre: [
    'shonen', 'seinen', 'shojo', 'isekai', 'horror', 'romance', 'slice of life', 'sports', 'mecha', 'cyberpunk',
    'mystery', 'josei', 'fantasy', 'sci-fi', 'psychological thriller', 'comedy', 'cooking', 'historical', 'sports',
  ],
  jgenre: ['少年漫画', '青年漫画', '少女漫画', '異世界もの', 'ホラー', '恋愛もの', '日常系', 'スポーツ漫画', 'ロボットもの', 'ミステリー', 'ファンタジー', 'SF', 'ギャグ漫画', 'グルメ漫画', '歴史もの'],
  char: ['Luffy', 'Guts', 'Frieren', 'Gojo', 'Denji', 'Levi', 'Light', 'Edward', 'Anya', 'Thorfinn', 'Tanjiro', 'Zoro', 'Makima', 'Killua', 'Mikasa', 'Himmel', 'Reze', 'Nami', 'Itadori', 'Loid'],
  jchar: ['ルフィ', 'ガッツ', 'フリーレン', '五条', 'デンジ', 'リヴァイ', '夜神月', 'エド', 'アーニャ', 'トルフィン', '炭治郎', 'ゾロ', 'マキマ', 'キルア', 'ミカサ', 'ヒンメル', 'ナミ', '虎杖'],
  vol: ['1', '2', '3', '5', '7', '10', '12', '14', '18', '21', '23', '27', '30', '34', '41', '56', '100', '105'],
  jvol: ['１', '2', '３', '5', '７', '10', '１２', '15', '２０', '27', '３３', '41'],
  order: ['10482', '55731', '20913', '88120', '43007', '91236', '67251', '30418', '74109', '12096', '58843', '26674'],
  jorder: ['１０４８２', '55731', '２０９１３', '88120', '４３００７', '91236', '６７２５１', '30418'],
  place: [
    'Canada', 'Australia', 'Brazil', 'Singapore', 'Osaka', 'Hokkaido', 'Okinawa', 'Germany', 'France', 'Texas',
    'Manila', 'Seoul', 'Taipei', 'Chile', 'Norway', 'New Zealand', 'Kenya', 'Poland', 'Vancouver', 'Sydney',
    'Lisbon', 'Prague', 'Helsinki', 'Bangkok', 'Hawaii', 'Alaska', 'Mexico City', 'Jakarta', 'Cape Town', 'Kyoto',
  ],
  jplace: ['北海道', '沖縄', '大阪', '九州', '離島', '海外', 'アメリカ', '台湾', '韓国', 'カナダ', '京都', '四国', '福岡', '名古屋'],
  pay: [
    'EMI', 'an installment plan', 'buy now pay later', 'Paidy', 'Affirm', 'PayPal', 'Apple Pay', 'Google Pay', 'konbini payment', 'a credit card', 'Visa', 'Mastercard', 'Amex', 'a gift card',
    'store points', 'bank transfer', 'cash on delivery', 'a debit card', 'JCB', 'Klarna', 'crypto', 'PayPay',
  ],
  jpay: ['PayPay', 'クレジットカード', 'コンビニ払い', '代引き', '銀行振込', 'ポイント', 'ギフトカード', 'Apple Pay', 'デビットカード', '楽天ペイ', 'd払い'],
  carrier: ['Yamato', 'Japan Post', 'DHL', 'FedEx', 'EMS', 'Sagawa', 'UPS'],
  jword: ['尊い', 'なるほど', 'いただきます', 'よろしくお願いします', 'お疲れ様', 'やばい', '懐かしい', 'もったいない', '先輩', '推し', 'ツンデレ', '木漏れ日', '生きがい', '切ない'],
  phrase: ['see you tomorrow', 'I love this series', 'the ending made me cry', 'thank you for the gift', 'this panel is so cool', 'welcome back', 'I will never give up', 'you are my favorite character'],
  jphrase: ['また明日', 'この作品が大好きです', '最終回で泣いた', 'プレゼントありがとう', 'おかえりなさい', '絶対にあきらめない'],
  arc: ['the Marineford arc', 'the Golden Age arc', 'the Shibuya incident', 'the Chimera Ant arc', 'the Return to Shiganshina arc', 'the first volume', 'the final arc', 'the Dressrosa arc', 'the Culling Game', 'season one'],
  jarc: ['頂上戦争編', '黄金時代篇', '渋谷事変', 'キメラアント編', '最終章', '１巻', '第一部', 'ドレスローザ編', '無限列車編'],
  adj: ['funny', 'dark', 'wholesome', 'gory', 'beautiful', 'heartbreaking', 'chill', 'intense', 'weird', 'romantic', 'thoughtful', 'creepy', 'hype'],
  jadj: ['笑える', '暗めの', '心温まる', 'グロい', '絵がきれいな', '切ない', 'ゆるい', '熱い', '不思議な', '甘い', '考えさせられる', '怖い'],
  topic: ['fishing', 'cooking', 'chess', 'music', 'art school', 'space', 'samurai', 'baseball', 'go', 'rakugo', 'farming', 'mountain climbing', 'cars', 'ballet', 'medicine', 'cats'],
  jtopic: ['釣り', '料理', '将棋', '音楽', '美大', '宇宙', '侍', '野球', '囲碁', '落語', '農業', '登山', '車', 'バレエ', '医療', '猫'],
  trope: ['a found family', 'a smart villain', 'an unreliable narrator', 'a slow burn romance', 'a time loop', 'a tournament arc', 'an older protagonist', 'no romance at all'],
  damage: ['crushed', 'bent', 'soaked', 'scratched', 'torn', 'with missing pieces', 'with a broken box', 'dented'],
  jdamage: ['つぶれて', '折れて', '濡れて', '傷だらけで', '破れて', '部品が足りない状態で'],
  history: ['orders', 'purchases', 'library', 'wishlist', 'reading history', 'past buys', 'last few orders'],
  store: ['your store', 'this shop', 'MangaAssist', 'the MangaAssist shop', 'your company', 'this site'],
  duration: ['two weeks', 'ten days', 'three weeks', 'five days', '12 days', 'six weeks', 'a whole week'],
  jduration: ['２週間', '10日', '３週間', '５日', '一週間以上', '半月'],
  city: ['Tokyo', 'London', 'Paris', 'New York', 'Berlin', 'Madrid', 'Rome', 'Chicago', 'Denver', 'Lagos', 'Lima', 'Oslo'],
  // Products of any kind, from many shop domains (not only this store's): a shopping request names one, and the
  // store's search then says whether it carries it (product_search stays on the cheap tier).
  goods: [
    'running shoes', 'yoga mats', 'protein powder', 'multivitamins', 'memory foam mattresses', 'wireless earbuds',
    'laptop stands', 'coffee beans', 'face serum', 'dry hair shampoo', 'dog food', 'desk lamps', 'kettlebells',
    'sunscreen', 'standing desks', 'rice cookers', 'vitamin d', 'omega 3 capsules', 'resistance bands', 'pillows',
    'winter jackets', 'hiking boots', 'baby strollers', 'phone chargers', 'gaming mice', 'green tea', 'water bottles',
    'bed sheets', 'blenders', 'hair oil', 'skipping ropes', 'cat litter', 'backpacks', 'air purifiers', 'smartwatches',
    'moisturizer', 'camping tents', 'bike helmets', 'gardening gloves', 'board games', 'office chairs', 'lipstick',
    'vacuum cleaners', 'electric toothbrushes', 'weight gainer', 'energy bars', 'car seat covers', 'headphones',
    'sneakers', 'perfume', 'mechanical keyboards', 'fish food', 'dumbbells', 'herbal tea', 'kids toys', 'duvets',
    'iron supplements', 'zinc tablets', 'magnesium', 'probiotics', 'face wash', 'beard oil', 'hand cream', 'lip balm',
    'frying pans', 'knife sets', 'lunch boxes', 'umbrellas', 'rain boots', 'swimsuits', 'sunglasses', 'wallets',
    'tablets', 'monitors', 'webcams', 'printer ink', 'usb cables', 'led bulbs', 'curtains', 'rugs', 'bookshelves',
    'baby wipes', 'diapers', 'cat toys', 'bird seed', 'plant pots', 'garden hoses', 'tool kits', 'car wax',
    'tennis rackets', 'football boots', 'swimming goggles', 'gym gloves', 'pull up bars', 'exercise bikes',
  ],
  good1: [
    'mattress', 'pillow', 'treadmill', 'blender', 'protein shake', 'serum', 'air fryer', 'backpack', 'jacket',
    'smartwatch', 'keyboard', 'office chair', 'tent', 'yoga mat', 'stroller', 'kettle', 'face cream', 'hair dryer',
    'speaker', 'multivitamin', 'sofa', 'bike', 'lamp', 'water filter', 'power bank',
    'toaster', 'monitor', 'drill', 'stroller', 'perfume', 'wallet', 'rug', 'helmet', 'printer', 'heater', 'fan', 'tripod',
  ],
  brand: ['Zenfit', 'Aurora', 'NovaCore', 'Kumo', 'Peakline', 'Brightleaf', 'Orbit', 'Velo', 'Maxon', 'Lumina', 'Tideway', 'Corelite'],
  goal: [
    'back pain', 'dry skin', 'better sleep', 'hair fall', 'weight loss', 'muscle gain', 'joint pain', 'a home workout',
    'a small kitchen', 'a new puppy', 'camping', 'a long commute', 'acne', 'a cold bedroom', 'snoring', 'a stiff neck',
    'running', 'a newborn', 'a messy garage', 'oily hair', 'tired eyes', 'recovery after the gym',
  ],
  // Off-domain tasks (not shopping): an assistant request this store cannot serve is `unknown`.
  task: [
    'call my sister', 'text my boss', 'book a flight to Rome', 'learn spanish', 'change your voice', 'set a reminder for noon',
    'check my bank balance', 'pay my phone bill', 'transfer money to a friend', 'find a recipe for lasagna',
    'know the weather this weekend', 'rent an apartment', 'renew my passport', 'get a car loan', 'schedule a meeting',
    'find a plumber', 'solve a math problem', 'plan a trip to Lisbon', 'report a stolen credit card', 'cook dinner tonight',
    'get my car serviced', 'speak to you in french', 'know the capital of Chile', 'find a job in marketing',
    'apply for a mortgage', 'block my debit card', 'see my card transactions', 'hear a joke', 'meditate',
    'study for my exam', 'fix my laptop wifi', 'share my location', 'start a podcast', 'improve my credit score',
  ],
  jgoods: ['マットレス', '枕', 'プロテイン', 'サプリ', 'ヨガマット', 'イヤホン', 'スニーカー', '加湿器', '化粧水', 'ドッグフード', 'リュック', '電気ケトル'],
  thing: ['black holes', 'rainbows', 'earthquakes', 'tides', 'volcanoes', 'dreams', 'hiccups', 'eclipses', 'tsunamis', 'clouds', 'fossils', 'seasons'],
  lang: ['german', 'french', 'korean', 'italian', 'portuguese', 'hindi', 'arabic'],
  word: [
    'toaster', 'kettle', 'sneakers', 'shampoo', 'conditioner', 'sunscreen', 'headphones', 'mattress', 'pillow',
    'treadmill', 'dumbbells', 'blender', 'perfume', 'lipstick', 'backpack', 'charger', 'laptop', 'tablet', 'magnesium',
    'melatonin', 'collagen', 'probiotics', 'vitamins', 'moisturizer', 'deodorant', 'toothpaste', 'candles', 'rugs',
    'curtains', 'umbrella', 'raincoat', 'jeans', 'socks', 'gloves', 'scarf', 'helmet', 'skateboard', 'football',
    'racket', 'duvet', 'blanket', 'towels', 'cookware', 'earbuds', 'smartwatch', 'protein', 'creams', 'serums', 'tents',
  ],
  model: ['X9', '3', 'Pro', 'Max', 'Lite', 'Plus', '200', 'S2', 'Air', 'Ultra'],
  name: ['Mark', 'Joe', 'Sarah', 'Priya', 'Tom', 'Ana', 'Kenji', 'Lucy', 'Omar', 'David', 'my mom', 'my manager'],
  verb: ['yawn', 'sneeze', 'dream', 'sleep', 'forget things', 'get goosebumps', 'hiccup', 'blink'],
  thing2: ['brake fluid', 'coolant', 'windshield washer fluid', 'engine oil', 'the spare tire'],
  science: ['photosynthesis', 'gravity', 'inflation', 'blockchain', 'the internet', 'electricity', 'radar', 'vaccination'],
  food: ['pecan pie', 'avocado', 'brown rice', 'dark chocolate', 'ramen', 'oatmeal', 'sushi', 'french fries', 'kale', 'bagels'],
  jcity: ['東京', '大阪', '札幌', '福岡', '名古屋', '横浜', '神戸', '仙台', 'パリ', 'ロンドン'],
  // Manga-store paraphrases no keyword names (issue 8): complaints without complaint words, moods, gift
  // constraints, "X vibe but Y" requests, relationship and history questions, reading histories.
  sarcasm: [
    'thanks a lot', 'great job', 'wow, wonderful', 'love that for me', 'nice one', 'brilliant', 'just perfect', 'cool, thanks',
    'fantastic', 'really appreciate it', 'thanks a ton', 'well done', 'outstanding work',
  ],
  jfrust: ['いい加減にしてください', 'ありえない', 'もううんざりです', 'どういうことですか', 'さすがにひどい', '何やってるんですか', '勘弁してください'],
  day: ['Monday', 'Tuesday', 'last week', 'the weekend', 'the 3rd', 'Friday', 'two weeks ago', 'yesterday morning'],
  jday: ['月曜', '火曜日', '先週', '週末', '3日', '金曜日', '２週間前', '昨日の朝'],
  mood: [
    'laugh', 'cry', 'feel cozy', 'be scared a little', 'feel hyped', 'switch my brain off', 'feel hopeful',
    'get lost in another world', 'feel less lonely', 'relax after work', 'feel nostalgic', 'be surprised',
  ],
  jmood: ['笑いたい', '泣きたい', 'ほっこりしたい', 'ちょっと怖がりたい', 'テンションを上げたい', '何も考えずに読みたい', '前向きになりたい', '癒されたい', '懐かしさに浸りたい', 'びっくりしたい'],
  constraint: [
    'hates anything scary', 'is only 9', 'has read every classic already', 'reads mostly novels', 'is learning Japanese',
    'likes short series', 'does not like romance', 'only reads on a tablet', 'loves cats', 'is into history',
    'gets bored with long series', 'cannot stand gore', 'is new to manga', 'already has all the big hits',
  ],
  jconstraint: ['怖いのが苦手', 'まだ小学生', '名作はほとんど読んでる', '普段は小説派', '日本語を勉強中', '長い作品は苦手', '恋愛ものが好きじゃない', '猫好き', '歴史好き', 'グロいのが無理', '漫画初心者', '有名作はもう持ってる'],
  twist: [
    'with a female lead', 'but less violent', 'but finished', 'but with more romance', 'but funnier', 'but shorter',
    'set in modern Japan', 'but without the fanservice', 'with an older hero', 'but for kids',
  ],
  jtwist: ['女性主人公の', 'もっと暴力控えめな', '完結済みの', '恋愛多めの', 'もっと笑える', '短めの', '現代日本が舞台の', 'サービスシーンなしの', '主人公が大人の', '子供向けの'],
  exclude: ['isekai', 'harem', 'gore', 'love triangles', 'fanservice', 'time skips', 'tragic endings', 'long fights', 'school settings'],
  jexclude: ['異世界', 'ハーレム', 'グロ', '三角関係', 'お色気', 'バッドエンド', '学園もの', '長いバトル'],
  credit: ['gift card', 'voucher', 'store credit', 'points', 'birthday coupon'],
  jcredit: ['ギフトカード', 'クーポン', 'ポイント', '商品券', '図書カード'],
  qkind: ['historically accurate', 'based on real events', 'finished', 'still running', 'worth the hype', 'getting a sequel'],
  author: ['Oda', 'Miura', 'Urasawa', 'Togashi', 'Fujimoto', 'Isayama', 'Arakawa', 'Takahashi', 'Tezuka', 'Inoue', 'Kui', 'Shirahama'],
  jauthor: ['尾田栄一郎', '三浦建太郎', '浦沢直樹', '冨樫義博', '藤本タツキ', '諫山創', '荒川弘', '高橋留美子', '手塚治虫', '井上雄彦', '九井諒子', '白浜鴎'],
  // Characters past the best-known few: a story question names the character, not the intent.
  char2: [
    'Hinata', 'Kageyama', 'Yor', 'Yuri', 'Aki', 'Ash', 'Eiji', 'Tohru', 'Kyo', 'Kenshin', 'Shin', 'Ei Sei',
    'Chihaya', 'Arata', 'Rei', 'Mutta', 'Senku', 'Marin', 'Nobara', 'Maomao', 'Jinshi', 'Okarun', 'Momo', 'Sakamoto',
    'Isagi', 'Ai', 'Aqua', 'Kaguya', 'Shirogane', 'Johan', 'Tenma', 'Griffith', 'Casca', 'Askeladd', 'Sugimoto', 'Asirpa',
    'Laios', 'Marcille', 'Fern', 'Stark', 'Mob', 'Reigen', 'Bocchi', 'Inuyasha', 'Kagome', 'Usagi', 'Lum', 'Ranma',
  ],
  jchar2: [
    '日向', '影山', 'ヨル', 'ユーリ', 'パワー', 'アキ', 'アッシュ', '英二', '透', '夾', '剣心', '信', '嬴政', '千早', '新',
    '零', '六太', '千空', '海夢', '釘崎', '猫猫', '壬氏', 'オカルン', 'モモ', '坂本', '潔', 'アイ', 'アクア', 'かぐや',
    '白銀', 'ヨハン', 'テンマ', 'グリフィス', 'キャスカ', 'アシェラッド', '杉元', 'アシㇼパ', 'ライオス', 'マルシル',
    'フェルン', 'シュタルク', 'モブ', '霊幻', 'ぼっちちゃん', '犬夜叉', 'かごめ', 'うさぎ', 'ラム', 'らんま',
  ],
  listword: ['list:', 'top 3 are', 'favourites are', 'all time best are', 'shelf has', 'recent reads are', 'history:', 'last few reads were'],
  tpq: ["what's my thing", 'what does that say about me', 'describe my taste', 'what kind of reader am i', 'why', 'any pattern?', "what's my type", 'sum me up in one word'],
  habit: ['drop series after the first arc', 'stop reading around volume 10', 'binge a series and then quit', 'only ever buy first volumes', 'lose interest once the romance starts', 'reread the same few series'],
  jlistword: ['好きなのは', '最近読んだのは', '本棚にあるのは', 'ベスト３は', '履歴：', 'お気に入りは'],
  jtpq: ['私の好みって何？', 'どんなタイプの読者？', '一言で表すと？', '共通点は？', 'なぜだと思う？', '私の傾向を分析して'],
  jhabit: ['最初の章が終わると読まなくなる', '１０巻あたりで止まる', '一気読みしてそのまま飽きる', '１巻だけ買って終わる', '恋愛が始まると冷める', '同じ作品ばかり読み返す'],
  moodstate: ["i'm sad today", 'had an awful day', "i'm stressed about exams", "i'm bored out of my mind", 'feeling homesick', "can't sleep", 'just got dumped', 'need a pick-me-up'],
  jmoodstate: ['今日は落ち込んでる', '嫌なことがあった', '試験でストレスがたまってる', '退屈で仕方ない', 'ホームシック気味', '眠れない', '失恋した', '元気が欲しい'],
  kid: ['my 6 year old', 'my daughter', 'my little brother', 'the kids', 'my 9 year old son'],
  hist: ['the Sengoku era', 'the Meiji era', 'the Russo-Japanese war', 'Viking life', 'the Qin dynasty', 'samurai culture', 'Edo Japan', 'the French revolution'],
  jhist: ['戦国時代', '明治時代', '日露戦争', 'ヴァイキングの暮らし', '秦の時代', '侍の文化', '江戸の町', 'フランス革命'],
  addr: ['room number', 'apartment number', 'building name', 'postcode', 'street number', 'recipient name', 'phone number'],
  jaddr: ['部屋番号', '号室', '建物名', '郵便番号', '番地', '宛名', '電話番号'],
};

type Templates = Readonly<Partial<Record<Intent, { readonly en: readonly string[]; readonly ja: readonly string[] }>>>;

const TEMPLATES: Templates = {
  greeting: {
    en: [
      'hi', 'hello', 'hey there', 'yo', 'hiya', 'good morning', 'good afternoon!', 'evening', 'hello? anyone here',
      'hi, is this the manga store?', 'thanks!', 'thank you so much', 'thx', 'ty', 'cheers', 'bye', 'see ya',
      'goodbye and thanks', 'that is all, thank you', 'ok thanks bye', 'hey, just saying hi', 'howdy',
      'thanks for the help earlier', 'great, thank you', 'hello hello', 'hi again', 'morning!', 'thank u',
      'appreciate it', 'perfect, thanks a lot',
    ],
    ja: [
      'こんにちは', 'こんばんは', 'おはようございます', 'どうも', 'はじめまして', 'ありがとう', 'ありがとうございます',
      'どうもありがとう', '助かりました', 'さようなら', 'またね', 'じゃあね', 'よろしくお願いします', 'お世話になります',
      'もしもし', 'やあ', 'こんにちは、漫画ストアですか', 'ありがとうございました！', '了解です、ありがとう', 'おつかれさま',
      'こんちは', 'ども', '失礼します', 'バイバイ',
    ],
  },
  order_status: {
    en: [
      'where is my order', 'where is order {order}', 'order {order} status', 'track my package', 'tracking for {order}',
      'has my {title} order shipped yet', 'when does my order arrive', 'my order still has not come', 'it has been two weeks and nothing',
      'still waiting on my parcel', 'is my package lost', 'did my order ship', 'status of my purchase please',
      'how far along is my {item1} order', 'my {title} vol {vol} preorder, when will it come', 'wheres my stuff',
      'no update on my delivery for days', 'the tracking has not moved since monday', 'is order {order} out for delivery',
      'can you check on order number {order}', 'what happened to my order', 'my parcel says delivered but i have nothing',
      'when will i get the {item} i ordered', 'order not arrived yet', 'been waiting forever for my order', 'how much longer for my order',
      'estimated arrival of order {order}?', 'any news on my shipment', 'my {carrier} tracking number does not work',
      'can i get a tracking link for my order', 'why is my order taking so long', 'ordered ages ago and still waiting',
      'check my order', 'order status', 'package status', 'is my order coming today',
      'ordered {duration} ago and nothing yet', '{duration} already and no parcel', 'waiting {duration} for my {item1}',
      'still waiting after {duration}', 'why is my {title} order late', 'my package is stuck somewhere',
    ],
    ja: [
      '注文番号{jorder}はどこですか', '注文{jorder}の配送状況を教えて', '荷物はいつ届きますか', 'まだ届かない', '注文した{jitem}がまだ来ない',
      '{jtitle}の予約分はいつ届く？', '追跡番号を教えてください', '配送状況を確認したい', '注文の状況は？', '発送されましたか',
      '荷物が行方不明です', '配達済みなのに届いていない', '一週間たっても届きません', '注文{jorder}まだ発送されてない？',
      '{jtitle}{jvol}巻の注文はいつ届く', 'もう一ヶ月待ってる', '私の注文どうなってる', '追跡が更新されない', '今日届きますか',
      '注文番号{jorder}の状況確認をお願いします', '荷物どこ？', '配送状況', '注文した商品がまだです',
      '注文して{jduration}たつけどまだ届かない', '{jduration}待ってるのに{jitem}が来ない',
    ],
  },
  escalation: {
    en: [
      'can i talk to a human', 'real person please', 'get me an agent', 'i want to speak to someone', 'connect me to support',
      'customer service phone number', 'support email?', 'is there a live chat with a person', 'operator', 'agent',
      'human', 'talk to a person', 'this bot is not helping, i need a human', 'let me speak to your manager',
      'how do i contact customer care', 'i need a call back from someone', 'transfer me to a representative',
      'speak to staff', 'is anyone from the team available', 'give me someone who can actually fix this',
      'how to reach your support team', 'contact details for support', 'hotline number', 'escalate this please',
      'i need to talk to somebody now', 'can a real agent look at my issue', 'when is customer service open',
    ],
    ja: [
      '人と話したい', 'オペレーターにつないで', '担当者をお願いします', 'スタッフと話せますか', 'サポートの電話番号は？',
      '問い合わせ先を教えて', '有人チャットはありますか', '人間に代わって', 'カスタマーサポートに連絡したい', '責任者を出して',
      '折り返し電話してほしい', 'サポートのメールアドレス', '担当の方につないでください', 'ボットじゃなくて人がいい',
      '問い合わせ窓口', 'オペレーター', '電話で相談したい', 'サポートセンターの営業時間は',
    ],
  },
  chitchat: {
    en: [
      'how are you', 'what is your name', 'are you a robot', 'do you like manga', 'who made you', 'tell me a joke',
      'what is your favorite anime', 'are you real', 'do you sleep', 'you are funny', 'i am bored', 'what can you do',
      'are you an ai', 'do you read {title}', 'who is your favorite character', 'lol', 'haha nice', 'you are cool',
      'what do you do for fun', 'where are you from', 'do you have feelings', 'can we just chat', 'i like talking to you',
      'how old are you', 'what are you up to', 'say something nice', 'ur the best', 'do you dream',
    ],
    ja: [
      '元気？', '名前は？', 'あなたはロボット？', '漫画好き？', '誰が作ったの', '何か面白い話して', '好きなアニメは？',
      '暇だなあ', '何ができるの？', 'AIなの？', '{jtitle}読んだことある？', '推しキャラは誰？', 'ありがとう、面白いね', 'ｗｗｗ',
      '話し相手になって', '最近どう？', '寝ることある？', 'どこに住んでるの', '疲れた〜', 'かわいいね',
    ],
  },
  shipping_info: {
    en: [
      'do you ship to {place}', 'shipping to {place}?', 'can i order from {place}', 'delivery to {place} possible?',
      'how much is shipping to {place}', 'shipping cost', 'how long does delivery take', 'delivery time to {place}',
      'is there free shipping', 'free shipping over how much', 'which carriers do you use', 'do you ship with {carrier}',
      'express shipping options', 'if i order today when would it arrive', 'how fast can you deliver to {place}',
      'international shipping?', 'do you deliver on weekends', 'can i pick the delivery date', 'shipping rates',
      'do you ship internationally', 'are you still delivering during the holidays', 'are deliveries delayed right now',
      'how are {item} packed for shipping', 'can i get same day delivery in {city}', 'do you ship to po boxes',
      'customs fees for {place}?', 'shipping times', 'how many days to ship to {place}', 'delivery options',
      'are you shipping normally this week', 'when will you resume deliveries to {place}',
    ],
    ja: [
      '{jplace}への送料は？', '{jplace}に配送できますか', '送料はいくら', '送料無料になるのはいくらから', '何日で届きますか',
      '配送にかかる日数', '海外発送はしていますか', '配送業者はどこですか', '日時指定できますか', '土日も配達してますか',
      '今日注文したらいつ届く？', '速達はありますか', 'コンビニ受け取りできる？', '{jplace}まで何日かかる', '配送方法を教えて',
      '関税はかかりますか', '年末年始も発送してますか', '梱包はどうなってますか', '置き配できますか', '送料',
    ],
  },
  order_change: {
    en: [
      'cancel my order', 'cancel order {order}', 'i want to cancel the {title} preorder', 'change my shipping address',
      'update the address on order {order}', 'add a {item1} to my order', 'remove vol {vol} from my order',
      'can i still modify my order', 'change quantity on my order', 'i ordered the wrong {item1}, can i swap it before it ships',
      'switch my order to express shipping', 'cancel pls', 'stop my order', 'wrong address on my order help',
      'i need to change the delivery date', 'combine my two orders', 'change the size of the hoodie in my order',
      'edit my order', 'can i cancel after paying', 'i dont want the order anymore', 'modify order {order}',
    ],
    ja: [
      '注文をキャンセルしたい', '注文{jorder}をキャンセルして', '{jtitle}の予約を取り消したい', '配送先を変更したい',
      '住所を間違えたので直したい', '注文に{jitem}を追加したい', '数量を変更したい', '注文内容を変更できますか',
      'お届け日を変えたい', '注文をまとめたい', 'キャンセルお願いします', '発送前なら変更できる？', 'サイズを変更したい',
    ],
  },
  returns_refunds: {
    en: [
      'i want to return this', 'how do i return a {item1}', 'refund please', 'when will i get my refund', 'return policy',
      'can i exchange vol {vol}, it has a misprint', 'the {item1} arrived broken, i want my money back', 'exchange for a different size',
      'how long do returns take', 'is return shipping free', 'refund status for order {order}', 'can i return an opened box set',
      'i got the wrong volume, how do i exchange it', 'money back?', 'return label', 'the figure is damaged, refund or replace',
      'how many days do i have to return', 'do you refund to {pay}', 'return {title} vol {vol}', 'exchange',
    ],
    ja: [
      '返品したい', '返金してください', '返金はいつ？', '返品ポリシーを教えて', '交換できますか', '{jitem}が壊れていたので返品したい',
      '乱丁があったので交換して', '違う巻が届いたので交換したい', '返品の送料は？', '開封済みでも返品できる？', '返品期限は何日',
      '返金状況を確認したい', '返品ラベルがほしい', '{jtitle}{jvol}巻を返品したい', '返品',
    ],
  },
  payment: {
    en: [
      'can i pay with {pay}', 'do you accept {pay}', 'payment methods', 'my card was declined', 'payment failed',
      'i was charged twice', 'where is my invoice', 'can i get a receipt', 'how do i use my points', 'how many points do i have',
      'can i split the payment', 'pay later option?', 'is cash on delivery available', 'cod?', 'payment not going through',
      'why was my card charged before shipping', 'do you take {pay}', 'invoice for order {order}', 'can i pay in installments',
      'use a gift card at checkout', 'update my payment method', 'checkout keeps failing', 'pay with {pay} pls',
    ],
    ja: [
      '{jpay}は使えますか', '支払い方法を教えて', 'カードが使えない', '決済に失敗した', '二重請求されています', '領収書がほしい',
      '請求書はどこ', 'ポイントを使いたい', 'ポイント残高は？', '分割払いできますか', '後払いできる？', '代引きはできますか',
      '{jpay}で払いたい', '支払いが完了しない', 'クーポンとポイントは併用できる？', '支払い方法を変更したい',
    ],
  },
  account: {
    en: [
      'i forgot my password', 'reset password', 'cant log in', 'how do i create an account', 'sign up', 'delete my account',
      'change my email address', 'update my profile', 'my account is locked', 'how do i unsubscribe from the newsletter',
      'subscribe to the newsletter', 'two factor login not working', 'change my username', 'merge my two accounts',
      'i never got the verification email', 'login problem', 'registration error', 'recover my account', 'log out everywhere',
      'change my password please', 'where do i edit my address book', 'stop the marketing emails', 'account settings',
      'can i shop without an account', 'i am new here, how do i register',
    ],
    ja: [
      'パスワードを忘れた', 'パスワードを再設定したい', 'ログインできない', 'アカウントを作りたい', '会員登録の方法', '退会したい',
      'メールアドレスを変更したい', 'プロフィールを編集したい', 'アカウントがロックされた', 'メルマガを解除したい', 'メルマガ登録',
      '認証メールが届かない', 'ユーザー名を変えたい', 'アカウントを統合したい', 'ログインエラー', '登録できない',
    ],
  },
  store_policy: {
    en: [
      'are your products official', 'is this merch authentic', 'are the {item} licensed', 'what are your opening hours',
      'do you have a physical store', 'can i pick up in store', 'where is your shop', 'is the {city} store open',
      'are you open on sundays', 'warranty on figures?', 'who runs this store', 'tell me about your store',
      'what is your privacy policy', 'do you sell bootlegs', 'is the store open today', 'about the company',
      'do you have a loyalty program', 'membership benefits', 'terms of service', 'are you a legit shop',
      'can i buy in person', 'do you have a trial period', 'store hours', 'how long have you been in business',
      'are your shops operating normally', 'do you sell secondhand manga',
      'who is behind {store}', 'why should i shop at {store}', 'is {store} legit', 'where is {store} based',
    ],
    ja: [
      '正規品ですか', '公式ライセンス商品？', '営業時間は？', '実店舗はありますか', '店舗受け取りできますか', 'お店はどこ',
      '{jcity}店は開いてますか', '日曜日も営業してますか', '保証はありますか', '会社概要を教えて', 'プライバシーポリシー',
      '海賊版は扱ってますか', '会員特典は？', '利用規約', '中古品も扱ってる？', '今日は営業していますか',
    ],
  },
  product_search: {
    en: [
      '{title} {item}', '{item}', '{title} vol {vol}', 'best {item}', 'best {item} for {need}', 'i need {item}',
      'i want a {title} {item1}', 'tell me about the {title} {item1}', 'features of the {title} {item1}', 'do you have anything for {need}',
      'looking for {item}', 'got any {title} {item}?', 'is {title} vol {vol} in stock', 'show me {item}', '{item} pls',
      'need {item} asap', 'which {item1} is best', '{title} {item1} details', 'what size is the {title} {item1}',
      'do you sell {item}', 'where can i find {title} {item}', 'is the {title} {item1} available', 'search {title}',
      'i wanna buy a {item1}', 'can i buy {item} here', 'any {item} from {title}', 'do you carry {title} in english',
      'what {item} do you have', 'new {item}', '{title} complete set', 'is the {item1} restocking', 'is {title} out of stock',
      'what {title} merch do you have', 'help me find a {item1}', 'how to buy a {item1}', 'i want to order {title} vol {vol}',
      'i need something for {need}', 'the {title} {item1}, what material is it', 'what comes in the {title} {item1}',
      'do you have the {title} {item1} in a bigger size', 'info on the {title} {item1}', 'what {item1} should i get for {need}',
      'which {item} are good for {need}', 'latest volume of {title}', 'is {title} vol {vol} out yet', 'preorder {title} vol {vol}',
      // Generic shopping forms with products of any kind (the store's search decides whether it carries them).
      '{goods}', 'best {goods}', 'best {goods} for {goal}', 'i need {goods}', 'i want {goods}', 'i need some {goods}',
      'tell me about {goods}', 'features of {goods}', 'what are the features of the {brand} {good1}', '{brand} {good1}',
      'tell me about the {brand} {good1}', '{brand} {good1} features', 'do you have anything for {goal}', 'anything for {goal}?',
      'something for {goal}', '{goods} for {goal}', 'i need {goods} for {goal}', 'which {good1} is best for {goal}',
      'what {goods} do you have', 'show me more {goods}', 'types of {goods}', 'any good {goods}?', 'i want to get {goods}',
      'is the {brand} {good1} good for {goal}', 'what is the {brand} {good1} made of', 'i am looking at {goods}',
      'good {goods} for {goal}', '{goods} options', 'do you guys have {goods}', 'what kind of {good1} is good for {goal}',
      '{good1}', 'the {brand} {good1}', 'what about the {brand} {good1}', 'type of {good1}', 'what is the {good1} made of',
      'products', 'your products', 'i want a product', 'i want to get a product', 'help me choose a product',
      'i want a new {good1}', 'i need a {good1}', 'is there a {good1} for {goal}', 'which {goods} do you sell',
      // One- or two-word product names alone are searches too (a shopper types the noun and expects results).
      '{word}', '{word}', '{word}', '{word}?', '{word} pls', 'need {word}', 'any {word}', '{word} options', '{good1}', '{goods}',
      'tell me about the {good1}', 'tell me more about your {goods}', 'tell me about the {brand} {good1} {model}',
      '{brand} {model}', 'the {brand} {model} {good1}', 'features of the {brand} {model}',
    ],
    ja: [
      '{jtitle}の{jitem}', '{jitem}', '{jtitle} {jvol}巻', '{jitem}ありますか', '{jtitle}の{jitem}を探しています', '{jitem}がほしい',
      '{jtitle}の{jitem}の詳細を教えて', '{jitem}の在庫はありますか', '{jtitle}の{jvol}巻は在庫ある？', '{jtitle}の{jitem}売ってる？',
      '{jitem}を買いたい', '{jtitle}グッズ', '{jtitle}の最新刊', '{jtitle}の全巻セットはありますか', '{jitem}はどこで買える',
      '{jtitle}の{jitem}は再入荷しますか', '{jtitle}{jvol}巻を予約したい', '{jitem}見せて', '{jtitle}の英語版ある？',
      '{jitem}の素材は何ですか', '{jtitle}の{jitem}のサイズは？', '商品を探したい', '{jtitle}の新刊は出ましたか',
      '{jgoods}がほしい', '{jgoods}の特徴を教えて', '{jgoods}はありますか', '一番いい{jgoods}は？', '{jgoods}を探しています',
    ],
  },
  price_inquiry: {
    en: [
      'how much is the {title} {item1}', 'price of {title} vol {vol}', 'how much for the {title} box set', 'any discounts',
      'is there a sale on', 'do you have coupon codes', 'what offers do you have', 'price of {item}', 'is the {item1} on sale',
      'student discount?', 'bulk discount for the whole series', 'how much would all {title} volumes cost', 'cheapest {item1}',
      'price check {title}', 'black friday deals?', 'promo code not working', 'any bundle deals on {item}', 'cost of {item}',
      'why is the {item1} so expensive', 'will the {title} {item1} go on sale',
    ],
    ja: [
      '{jtitle}の{jitem}はいくら', '{jtitle}{jvol}巻の値段は？', '全巻セットの価格', 'セールはやってますか', 'クーポンはありますか',
      '割引はありますか', '{jitem}の値段', '学割ある？', 'まとめ買い割引は？', '一番安い{jitem}は', 'キャンペーン中ですか',
      'クーポンコードが使えない', '{jtitle}全巻でいくら？', '値下げの予定は',
    ],
  },
  manga_review: {
    en: [
      'help me write a review of {title}', 'i want to review vol {vol} of {title}', 'write a short review for {title}',
      'can you polish my review of {title}', 'how do i leave a review', 'draft a 3 star review for the {title} {item1}',
      'make my review sound better: {title} was great but slow', 'review template for {title}', 'post a review for my {item1}',
      'what should i say in a review of {title}', 'write a spoiler free review of {title}', 'rate {title} for me in a review',
    ],
    ja: [
      '{jtitle}のレビューを書くのを手伝って', '{jtitle}{jvol}巻のレビューを書きたい', 'レビューを書いて', 'レビューの文章を直して',
      'レビューの投稿方法は', '{jitem}のレビューを書きたい', 'ネタバレなしで{jtitle}の感想文を書いて', '星3つのレビューを考えて',
    ],
  },
  summarization: {
    en: [
      'summarize {title} vol {vol}', 'recap {arc}', 'what happened in {arc} of {title}', 'tldr of {title}',
      'short summary of {title} so far', 'catch me up on {title} before the new volume', 'sum up {arc} in a few lines',
      'give me the plot of {title} vol {vol} in brief', 'what happens in the first volume of {title}', 'quick recap pls {title}',
      'synopsis of {title}', 'summarize the story of {title} without too many spoilers',
    ],
    ja: [
      '{jtitle}{jvol}巻のあらすじ', '{jarc}をまとめて', '{jtitle}のあらすじを教えて', '{jtitle}のここまでの話を要約して',
      '{jtitle}の{jarc}を三行で', '新刊の前に{jtitle}のおさらいをしたい', '{jtitle}のストーリーを簡単に', '{jarc}の要約',
    ],
  },
  unknown: {
    en: [
      'what is the weather in {city}', 'will it rain tomorrow', 'set an alarm for 7', 'wake me up at 6:30', 'set a timer for 10 minutes',
      'remind me to call mom', 'what is my bank balance', 'transfer 50 dollars to my savings', 'my credit card pin',
      'freeze my bank card', 'what is the exchange rate for euros', 'convert 100 dollars to yen', 'book a flight to {city}',
      'find me a hotel in {city}', 'how do i make pancakes', 'recipe for curry', 'how many calories in an apple',
      'what time is it in {city}', 'play some music', 'turn off the lights', 'who won the game last night', 'what is 15 times 12',
      'how do i change a tire', 'when is my car insurance due', 'what is the capital of Peru', 'tell me the news',
      'how do i get to the airport', 'is my flight delayed', 'order me a pizza', 'find a good restaurant nearby',
      'does that restaurant have good reviews', 'how much tax do i owe', 'what is my credit score', 'pay my electricity bill',
      'schedule a dentist appointment', 'what is the meaning of life', 'how tall is mount fuji', 'traffic on my commute',
      'cancel my gym membership', 'how do i fix my wifi', 'translate this contract for my lawyer', 'do i need a visa for {place}',
      'my bank account is frozen', 'show my recent bank transactions', 'what is the minimum payment on my card',
      'what is the speed of light', 'who is the prime minister', 'how far is the moon', 'what year did the war end',
      'book a table for two', 'rent a car in {city}', 'how do vaccines work', 'asdfgh', '???', 'blah', 'test', 'hmm',
      // Off-domain requests in the forms shoppers also use ("i want to", "i need", "tell me about"): not shopping.
      'i want to {task}', 'i need to {task}', 'can you help me {task}', 'i would like to {task}', 'help me {task}',
      'tell me something about {city}', 'tell me about the history of {city}', 'what does the word {food} mean',
      'how many calories are in {food}', 'is {food} good for you', 'what is the population of {city}',
      'what plug type do they use in {place}', 'how do i get to the airport in {city}', 'what is a good hotel in {city}',
      'show me my recent card transactions', 'is my credit card payment due', 'what is the interest rate on my loan',
      'how many bags can i check on my flight', 'my bank card got damaged', 'how do i replace a flat tire',
      'talk faster please', 'can you sing a song', 'what is the meaning of democracy', 'who wrote hamlet',
      'give me a fun fact about {place}', 'how do i train my dog to sit', 'what should i cook tonight',
      'where do {thing} come from', 'why do {thing} happen', 'how do {thing} form', 'what causes {thing}',
      'who is your boss', 'do you work for someone', 'change your language to {lang}', 'can you speak {lang}',
      'i need a new language setting', 'talk to me in {lang}', 'what kind of plugs do they use in {place}',
      'what vaccines do i need for {place}', 'where is the nearest bus stop', 'how do i get to {city} by train',
      'i want to call {name}', 'call {name}', 'i need to text {name}', 'send {name} a message', 'let {name} know i am late',
      'why do we {verb}', 'is it normal to {verb} a lot', 'where does {thing2} go in a car', 'what is {science}',
      'how does {science} work', 'who invented {science}', 'are brown and white {thing} different',
    ],
    ja: [
      '{jcity}の天気は？', '明日は雨ですか', '７時にアラームをセットして', '６時半に起こして', '１０分のタイマー', '母に電話するようリマインドして',
      '銀行の残高を教えて', '振込をしたい', 'ドルを円に換算して', '{jcity}行きの飛行機を予約して', 'ホテルを探して', 'カレーの作り方',
      '今何時？', '音楽をかけて', '電気を消して', '昨日の試合の結果は', '富士山の高さは', '近くのレストランを探して', '税金はいくら',
      'クレジットカードの暗証番号', '電車の時間を調べて', '歯医者の予約をしたい', 'ダイエットの方法', '円周率は', 'ニュースを教えて',
      '保険の更新はいつ', '明日の気温は', '車のタイヤ交換', 'あいうえお', 'テスト',
      '姉に電話したい', '英語を勉強したい', '数学の問題を解いて', '{jcity}の歴史を教えて', 'ジョークを言って', '住宅ローンを組みたい',
    ],
  },
  recommendation: {
    en: [
      'recommend something like {title}', 'what should i read after {title}', 'i loved {title}, what next',
      'something like {title} but less dark', 'any good {genre} manga', 'i need a new series to read', 'suggest a {genre} series',
      'what is a good manga for {person}', 'gift idea for {person} who likes {title}', 'best manga for beginners',
      'best {genre} manga of all time', 'i finished {title} and need my next obsession', 'what would you pick for a fan of {title}',
      'hidden gems in {genre}?', 'my kid likes {title}, what else would they enjoy', 'give me something funny to read',
      'a short completed series to binge', 'which series should i start with', 'what should i read next',
      'i like {genre} and {genre}, any ideas', 'manga for someone who only watches anime', 'something cozy to read tonight',
      'top picks this month?', 'any manga similar to {title}', 'need something to read on {need}',
      'what manga would {person} enjoy', 'if i liked {title} would i like {title}', 'surprise me with a series',
      'what is good right now', 'must read manga', 'whats worth reading', 'pick a manga for me',
      '{person} is into {topic}, what should i get', 'just finished {title}, now what', 'anything as {adj} as {title}?',
      'something {adj} to read', 'a manga about {topic}', 'i want a {genre} story with {trope}', 'got anything {adj} like {title}',
      'i need a {adj} series for {need}', 'looking for a {adj} {genre} manga',
      'is there a manga about {topic}', 'anything with {trope}?', 'which series should i buy {person} for their birthday',
    ],
    ja: [
      '{jtitle}みたいな漫画を教えて', '{jtitle}の次に読むならどれ', '{jtitle}が好きならおすすめは？', 'おすすめの{jgenre}は',
      '{jperson}へのプレゼントにいい漫画は', '初心者におすすめの漫画', '何か面白い漫画ない？', '次に読む漫画を選んで',
      '{jtitle}より明るい感じの作品ある？', '完結済みでおすすめは', '泣ける漫画を教えて', '{jgenre}で隠れた名作は',
      '{jperson}の誕生日に贈る漫画を選んでほしい', '短めで読みやすい漫画', '今話題の漫画は？', '{jtitle}にハマった人向けの作品',
      '何読めばいい？', '暇つぶしにいい漫画',
      '{jperson}が{jtopic}好きなんだけど、合う漫画ある？', '{jtitle}を読み終わった、次は？', '{jadj}漫画が読みたい', '{jtopic}の漫画ある？',
      '{jtitle}みたいに{jadj}作品', '{jperson}に{jtopic}の漫画を贈りたい', '{jadj}{jgenre}を探してる',
    ],
  },
  comparison: {
    en: [
      '{title} vs {title}', 'compare {title} and {title}', 'which is better, {title} or {title}', 'difference between the {item1} and the {item1}',
      'hardcover or paperback for {title}?', 'should i get the {title} box set or single volumes', 'how does {title} compare to {title}',
      'is the deluxe edition of {title} worth it over the regular one', 'which translation of {title} is better',
      '{title} or {title} for {person}', 'pros and cons of the {title} omnibus vs the originals', 'which {title} edition should i buy',
    ],
    ja: [
      '{jtitle}と{jtitle}どっちが面白い', '{jtitle}と{jtitle}を比較して', '{jtitle}の新装版と旧版の違いは', '単行本と愛蔵版どっちがいい',
      '{jtitle}と{jtitle}の違い', '電子書籍と紙どっちがお得', '{jtitle}か{jtitle}、{jperson}にはどっち', '{jitem}と{jitem}の違いは',
    ],
  },
  manga_qa: {
    en: [
      'why did {char} do that in {title}', 'who is the strongest in {title}', 'what chapter does {char} die', 'explain the ending of {title}',
      'who wrote {title}', 'is {title} finished', 'how many volumes does {title} have', 'what does the ending of {title} mean',
      'is {char} a good guy or a villain', 'what is the power system in {title}', 'who draws {title}', 'when does {char} first appear',
      'what happened to {char} after {arc}', 'theories about {title}', 'is the {title} anime faithful to the manga',
      'why is {char} so popular', 'what is the timeline of {title}', 'does {char} come back', 'what inspired {title}',
      'what is the symbolism in {title}', 'is {title} based on a true story',
      'in which volume does {char} first show up', "what is {char}'s backstory", 'how does the magic work in {title}',
      'what does the ending of {arc} mean', 'why is {char} so strong', 'who killed {char}', 'is {char} related to {char}',
      'what happens to {char} in the end', 'why did {char} betray everyone', 'how old is {char}',
    ],
    ja: [
      '{jchar}はなぜあんなことをしたの', '{jtitle}で一番強いのは誰', '{jchar}が死ぬのは何話', '{jtitle}の結末を解説して', '{jtitle}の作者は',
      '{jtitle}は完結してる？', '{jtitle}は何巻まで出てる', '{jchar}の正体は？', '{jtitle}の能力の仕組みを教えて', '{jchar}はいつ初登場する',
      '{jtitle}の伏線について', '{jtitle}のアニメは原作通り？', '{jchar}は最後どうなるの', '{jtitle}の元ネタは',
      '{jchar}の過去は', '{jtitle}の世界観を説明して', '{jchar}は何巻で登場する', '{jchar}はなぜ強いの', '{jchar}は何歳',
    ],
  },
  translation: {
    en: [
      'translate "{jword}" to english', 'what does {jword} mean', 'how do you say "{phrase}" in japanese', 'translate this: {jphrase}',
      'what does {char} say on this page in english: {jphrase}', 'help me translate a fan letter to the author', 'english for {jword}?',
      'is there a nuance to {jword}', 'translate my message to japanese: {phrase}', 'meaning of {jword} in {title}',
    ],
    ja: [
      '「{jword}」を英語にして', '「{phrase}」は日本語で何', '{jphrase}を英訳して', 'このセリフを英語に翻訳して：{jphrase}',
      '「{jword}」のニュアンスを英語で説明して', '作者へのファンレターを英語に訳したい', '{phrase}を日本語に訳して',
    ],
  },
  complaint: {
    en: [
      'this is unacceptable', 'worst service ever', 'i am really disappointed', 'the {item1} arrived damaged again', 'your packaging is terrible',
      'i have emailed three times and nobody answers', 'you guys are a scam', 'very poor service', 'useless support', 'waste of my time',
      'i am so angry about my order', 'the figure paint is awful, not what was shown', 'second time my {item1} came crushed',
      'i want to file a complaint', 'this is ridiculous', 'never ordering here again', 'you ruined my gift for {person}',
      'the quality of this {item1} is really bad', 'your delivery is always late, i am fed up', 'bad experience',
      'the {item1} arrived {damage}, really not ok', 'my {item1} came {damage} again', 'got my {title} {item1} {damage}, so annoyed',
      'this is the second {item1} that arrived {damage}', 'i am not happy, the {item} showed up {damage}',
    ],
    ja: [
      '最悪です', 'ひどい対応', 'がっかりしました', '{jitem}がまた壊れて届いた', '梱包がひどい', '何度問い合わせても返事がない',
      '詐欺じゃないの', '二度と買いません', 'クレームを入れたい', '対応が遅すぎる', '品質が悪すぎる', 'プレゼントが台無しになった',
      '毎回配達が遅れてうんざり', '本当に腹が立つ', 'ふざけないで',
      '{jitem}が{jdamage}届いた。ひどい', 'また{jitem}が{jdamage}届いた', '{jtitle}の{jitem}が{jdamage}いて残念です',
    ],
  },
  taste_profile: {
    en: [
      'what do my purchases say about my taste', 'analyze my reading history', 'based on my orders what genres do i like',
      'what kind of reader am i', 'look at what i bought and tell me my favorite themes', 'profile my taste from my history',
      'which genres do i buy the most', 'summarize my reading habits', 'what patterns do you see in my {genre} purchases',
      'from everything i have read, what do i lean toward', 'update my taste profile', 'what have i been into lately',
      'judging by my {history}, what do i like', 'am i more into {genre} or {genre} based on my {history}',
      'what does my {history} say about me', 'look through my {history} and describe my taste',
    ],
    ja: [
      '私の購入履歴から好みを分析して', '読書傾向を教えて', '私はどんなジャンルが好き？', '今までの注文から私のタイプを教えて',
      '好みのプロフィールを作って', '最近の私の読書傾向は', 'よく買うジャンルは何', '私の好きなテーマを履歴から分析して',
    ],
  },
};

/**
 * Manga-store paraphrases that no keyword names (issue 8: messages needing the strong tier landed on cheap-tier
 * intents): complaints without complaint words (sarcasm, silence since a day, the wrong volume after a long wait,
 * 「いい加減にしてください」), moods, gifts under a constraint, "X vibe but Y", exclusions, relationship / age /
 * history / author questions, reading histories; and the store-fact and order-fix phrasings they must not absorb.
 * Expanded after TEMPLATES from the same generator, so the rows generated from TEMPLATES stay as they were.
 */
const PARAPHRASE_TEMPLATES: Templates = {
  complaint: {
    en: [
      '{sarcasm}, the {title} vol {vol} i waited {duration} for is the wrong volume',
      'nobody has answered my emails since {day}',
      'i wrote to you on {day} and still nothing back',
      'waited {duration} and got vol {vol} of {title} instead of the one i ordered',
      '{sarcasm}, my {item1} showed up {damage}',
      'so this is how you treat loyal customers',
      "i honestly don't know why i keep ordering here",
      '{sarcasm} for ruining the present for {person}',
      'is this a joke? {duration} for the wrong {title} volume',
      "every order from {store} has some problem, i'm done",
      '{sarcasm}, another {item1} that arrived {damage}',
      '{sarcasm}, still no answer since {day}',
      'after all the money i have spent at {store}, this is how it goes?',
      "you keep saying my {title} order is on the way, i don't believe you anymore",
      '{sarcasm}. my {title} order arrived {damage}',
      "i'm losing patience with {store}",
      'forget it, i will buy my manga somewhere else from now on',
    ],
    ja: [
      '{jduration}待って届いたのが違う巻って、{jfrust}',
      '{jday}から何度連絡しても返事がない。{jfrust}',
      '{jtitle}{jvol}巻を頼んだのに別の巻が届いた。{jfrust}',
      '{jitem}が{jdamage}届きました。{jfrust}',
      '{jday}に問い合わせたのにまだ何の連絡もありません',
      '{jfrust}。これで何度目ですか',
      'なんでこの店で買ってるんだろう。{jfrust}',
      '{jperson}へのプレゼントだったのに台無しです。{jfrust}',
      '{jfrust}。{jday}から待ってるんですけど',
      'これだけ買ってきて、この扱いですか。{jfrust}',
      'どれだけ待たせれば気が済むんですか',
      '{jday}から三回も問い合わせてるんですが',
    ],
  },
  recommendation: {
    en: [
      'i just want to {mood} today, any manga for that',
      'need something that makes me {mood}',
      'something for {person} who {constraint}',
      'gift for {person}, they {constraint}, what would work',
      '{title} vibe, {twist}',
      'something like {title} {twist}',
      "what's worth spending my {credit} on? i like {genre}",
      '{genre} but no {exclude} please',
      'any {genre} without {exclude}',
      'i want to {mood}, preferably {genre}',
      '{title} energy, {twist}',
      '{title} vibes {twist} please',
      'my {person} {constraint}, what manga could i give them',
      'i have a {credit} to use, mostly read {genre}, what should i get',
      '{moodstate}, what should i read',
      '{moodstate}. any manga that could help',
      'something to read with {kid} at bedtime',
      '{genre} with some romance, but no {exclude}',
    ],
    ja: [
      '今日は{jmood}。何かいい漫画ない？',
      '{jmood}気分のときに読む漫画を教えて',
      '{jperson}（{jconstraint}）に贈る漫画',
      '{jperson}へのプレゼント。条件は「{jconstraint}」。何がいい？',
      '{jtitle}みたいな雰囲気で{jtwist}作品ある？',
      '{jcredit}が余ってる。{jgenre}が好きなんだけど何を買えばいい？',
      '{jgenre}で{jexclude}なしのもの',
      '{jexclude}抜きの{jgenre}を探してる',
      '{jtitle}っぽい感じで{jtwist}もの',
      '{jcredit}で買うなら{jgenre}好きには何がいい？',
      '{jmoodstate}。読める漫画ない？',
      '{jmoodstate}ので、元気になれる漫画を',
      '{jgenre}で恋愛ありの、{jexclude}なしのもの',
    ],
  },
  manga_qa: {
    en: [
      'how old is {char} in {title}',
      'what is the relationship between {char} and {char}',
      'do {char} and {char} end up together',
      'is {title} {qkind}',
      'what else did {author} write besides {title}',
      'why did {author} stop drawing {title} for so long',
      'how does {title} end for {char}',
      "who is {char}'s father",
      'is {char} older than {char}',
      'is the history in {title} accurate',
      'are {char2} and {char2} still friends at the end',
      "who is {char2}'s brother",
      'does {char2} die in the end',
      'how old is {char2} at the start of the story',
      'is {char2} based on a real person',
      'what happens between {char2} and {char2}',
      'who does {char2} end up with',
      'why does {char2} trust {char2} so much',
      'how old is {char2} in {title}',
      'is the way {title} shows {hist} accurate',
      'who wrote {title}, and did they draw anything else',
    ],
    ja: [
      '{jchar}って何歳？',
      '{jchar}と{jchar}の関係を教えて',
      '{jchar}と{jchar}は最後に結ばれる？',
      '{jtitle}は史実に忠実ですか',
      '{jauthor}先生の他の作品は何がある？',
      '{jtitle}の最後で{jchar}はどうなるの',
      '{jchar}の父親は誰',
      '{jtitle}の作者はどんな人',
      '{jchar2}と{jchar2}は最後どうなるの',
      '{jchar2}の兄弟って誰',
      '{jchar2}は実在の人物がモデル？',
      '{jchar2}は何歳の設定？',
      '{jchar2}は最後に誰と結ばれる？',
      '{jchar2}が{jchar2}を信頼する理由は',
      '{jtitle}の{jhist}の描写は正確？',
      '{jauthor}さんの他の作品を教えて',
      '{jchar2}って何歳？',
    ],
  },
  taste_profile: {
    en: [
      'why do i always drop series around volume {vol}? i quit {title}, {title} and {title}',
      'my favourites are {title}, {title} and {title}, what does that say about my taste',
      'sum up my bookshelf in one word: {title}, {title}, {title}',
      'what do {title} and {title} have in common that i like them both',
      'here is my history: {title}, {title}, {title}. what kind of reader am i',
      'i keep buying {genre} but finish only {genre}, why',
      'my {listword} {title}, {title} and {title}. {tpq}',
      'i tend to {habit}, like with {title} and {title}. why',
      'why do i always {habit}? {title}, {title}',
    ],
    ja: [
      'いつも{jvol}巻あたりで読むのをやめちゃう。{jtitle}も{jtitle}もそう。なぜ？',
      '{jtitle}、{jtitle}、{jtitle}が好きな私の好みを一言で',
      '私の本棚を一言で表すと？{jtitle}とか{jtitle}とか',
      '{jtitle}と{jtitle}が好きな私ってどんなタイプ？',
      '読んだもの：{jtitle}、{jtitle}、{jtitle}。私の読書傾向を分析して',
      '{jlistword}{jtitle}、{jtitle}、{jtitle}。{jtpq}',
      'いつも{jhabit}。{jtitle}も{jtitle}もそう。なぜ？',
    ],
  },
  store_policy: {
    en: [
      "what is {store}'s company address",
      'where is {store} located',
      'tell me about {store}',
      'what company operates {store}',
    ],
    ja: [
      '会社の住所を教えて',
      '運営会社の所在地は',
      'このお店はどこの会社がやってるの',
      'お店について教えて',
    ],
  },
  order_change: {
    en: [
      'fix the {addr} on order {order}',
      'wrong {addr} on order {order}, can you change it',
      'please correct the {addr} on my order {order}',
      'i need to update the {addr} for order {order} before it ships',
    ],
    ja: [
      '注文{jorder}の{jaddr}を修正したい',
      '注文{jorder}の{jaddr}が間違ってます、直せますか',
      '発送前に注文{jorder}の{jaddr}を変更してください',
    ],
  },
};

const pick = <T>(items: readonly T[], random: () => number): T => items[Math.floor(random() * items.length)] as T;

const fill = (template: string, random: () => number): string =>
  template.replace(/\{([a-z0-9]+)\}/g, (_, slot: string) => {
    const values = SLOTS[slot];
    if (values === undefined) throw new Error(`intent template: unknown slot {${slot}} in "${template}"`);
    return pick(values, random);
  });

/** One typo in a word of 4 letters or more: a letter dropped, two swapped, or one doubled. */
const typo = (text: string, random: () => number): string => {
  const words = text.split(' ');
  const candidates = words.map((word, i) => ({ word, i })).filter(({ word }) => /^[a-z]{4,}$/i.test(word));
  if (candidates.length === 0) return text;
  const { word, i } = pick(candidates, random);
  const at = 1 + Math.floor(random() * (word.length - 2));
  const kind = Math.floor(random() * 3);
  const changed =
    kind === 0 ? word.slice(0, at) + word.slice(at + 1) : kind === 1 ? word.slice(0, at) + (word[at + 1] ?? '') + (word[at] ?? '') + word.slice(at + 2) : word.slice(0, at) + (word[at] ?? '') + word.slice(at);
  words[i] = changed;
  return words.join(' ');
};

const casual = (text: string): string => text.toLowerCase().replace(/[?!.,]/g, '').trim();
const POLITE_EN = ['please', 'could you help,', 'hi,', 'hello, quick question:', 'excuse me,'];

/** Fills per template; a template without slots is used as is. */
const FILLS = 3;
const SEED = 20261202;

export const generateTrainingRows = (): GeneratedRow[] => {
  const random = mulberry32(SEED).next;
  const rows: GeneratedRow[] = [];
  const seen = new Set<string>();
  const add = (text: string, intent: Intent, lang: 'en' | 'ja'): void => {
    const key = `${intent}\u0000${text.toLowerCase()}`;
    if (text.trim() === '' || seen.has(key)) return;
    seen.add(key);
    rows.push({ text, intent, lang });
  };
  const entries = [TEMPLATES, PARAPHRASE_TEMPLATES].flatMap(
    (templates) => Object.entries(templates) as [Intent, { en: readonly string[]; ja: readonly string[] }][],
  );
  for (const [intent, byLang] of entries) {
    for (const template of byLang.en) {
      const fills = template.includes('{') ? FILLS : 1;
      for (let i = 0; i < fills; i += 1) {
        const text = fill(template, random);
        add(text, intent, 'en');
        const roll = random();
        if (roll < 0.3) add(typo(casual(text), random), intent, 'en');
        else if (roll < 0.45) add(`${pick(POLITE_EN, random)} ${text}`, intent, 'en');
        else if (roll < 0.6) add(`${text.charAt(0).toUpperCase()}${text.slice(1)}?`, intent, 'en');
      }
    }
    for (const template of byLang.ja) {
      const fills = template.includes('{') ? FILLS : 1;
      for (let i = 0; i < fills; i += 1) {
        const text = fill(template, random);
        add(text, intent, 'ja');
        if (random() < 0.3) add(/[？?]$/.test(text) ? text : `${text}？`, intent, 'ja');
      }
    }
  }
  return rows;
};
