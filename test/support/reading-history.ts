/**
 * Seed 003 scenario 5's real users: a taste-profile request carrying a 50-title reading history with genre, rating
 * and year, within the message size limit (far longer than any training row).
 */
const TITLES = [
  'Berserk', 'Vagabond', 'Vinland Saga', 'Monster', 'Pluto', '20th Century Boys', 'Akira', 'Nausicaa', 'Gantz', 'Homunculus',
  'Blame', 'Dorohedoro', 'Chainsaw Man', 'Fire Punch', 'Goodnight Punpun', 'Solanin', 'Mushishi', 'Planetes', 'Ajin', 'Tokyo Ghoul',
  'Parasyte', 'Dragon Head', 'Uzumaki', 'Gyo', 'Tomie', 'Hellsing', 'Claymore', 'Trigun', 'Hunter x Hunter', 'Yu Yu Hakusho',
  'Bleach', 'Naruto', 'One Piece', 'Fullmetal Alchemist', 'Death Note', 'Bakuman', 'Slam Dunk', 'Real', 'Kingdom', 'Golden Kamuy',
  'Dungeon Meshi', 'Frieren', 'Blue Period', 'Haikyuu', 'Mob Psycho 100', 'One Punch Man', 'JoJo', 'Spy x Family', 'Made in Abyss', 'Land of the Lustrous',
];

export const FIFTY_TITLE_HISTORY = `Analyse my reading history and build my taste profile. I have read: ${TITLES.map(
  (title, index) =>
    `${title} (${['seinen', 'shonen', 'josei', 'horror', 'sports'][index % 5]}, rated ${1 + (index % 5)}/5, read all volumes, finished in ${2016 + (index % 9)})`,
).join('; ')}.`;
