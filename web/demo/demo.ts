/**
 * The demo store page's own script (served as /demo.js): the demo sign-in, then the widget mounted with a token
 * callback, as a store's page would do with its identity provider. The local issuer's tokens come through the demo
 * server's `/token` (same origin, demo customers only); "guest" connects without a token.
 */
interface DemoConfig {
  readonly endpoint: string;
  readonly customers: readonly string[];
}

interface ChatGlobal {
  mount(options: Record<string, unknown>): { destroy(): void };
}

const GUEST = 'guest';

const fetchToken = async (customerId: string): Promise<string | null> => {
  if (customerId === GUEST) return null;
  const response = await fetch('/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ customerId }) });
  if (!response.ok) throw new Error(`sign-in failed: HTTP ${response.status}`);
  const body = (await response.json()) as { token?: unknown };
  if (typeof body.token !== 'string') throw new Error('sign-in failed: no token');
  return body.token;
};

/**
 * The widget's `signIn` hook: the store's sign-in (here a dialog), resolved once the customer signed in, rejected if
 * they cancel. The demo's `/token` then issues a new token, which the widget asks for when it reconnects.
 */
const signInAgain = (customerId: string): Promise<void> =>
  new Promise((resolve, reject) => {
    const dialog = document.getElementById('signin-dialog') as HTMLDialogElement;
    const confirm = document.getElementById('signin-dialog-confirm') as HTMLButtonElement;
    const cancel = document.getElementById('signin-dialog-cancel') as HTMLButtonElement;
    (document.getElementById('signin-dialog-customer') as HTMLElement).textContent = customerId;
    const done = (signedIn: boolean): void => {
      confirm.removeEventListener('click', onConfirm);
      cancel.removeEventListener('click', onCancel);
      dialog.removeEventListener('cancel', onCancel);
      if (dialog.open) dialog.close();
      if (signedIn) resolve();
      else reject(new Error('sign-in cancelled'));
    };
    const onConfirm = (): void => done(true);
    const onCancel = (): void => done(false);
    confirm.addEventListener('click', onConfirm);
    cancel.addEventListener('click', onCancel);
    // Escape closes a modal dialog with a `cancel` event.
    dialog.addEventListener('cancel', onCancel);
    dialog.showModal();
  });

const start = async (): Promise<void> => {
  const config = (await (await fetch('/config.json')).json()) as DemoConfig;
  const params = new URLSearchParams(location.search);
  const customerSelect = document.getElementById('customer') as HTMLSelectElement;
  const langSelect = document.getElementById('lang') as HTMLSelectElement;
  for (const id of [...config.customers, GUEST]) {
    const option = document.createElement('option');
    option.value = id;
    option.textContent = id;
    customerSelect.append(option);
  }
  customerSelect.value = params.get('customer') ?? config.customers[0] ?? GUEST;
  const lang = params.get('lang') === 'en' ? 'en' : params.get('lang') === 'ja' ? 'ja' : document.documentElement.lang;
  document.documentElement.lang = lang;
  langSelect.value = lang;

  // Another customer or language is another page load: a clean widget and a new conversation.
  const reload = (): void => {
    const next = new URLSearchParams({ customer: customerSelect.value, lang: langSelect.value });
    sessionStorage.removeItem('mangaassist.session');
    location.search = next.toString();
  };
  customerSelect.addEventListener('change', reload);
  langSelect.addEventListener('change', reload);

  const chat = (window as unknown as { MangaAssistChat: ChatGlobal }).MangaAssistChat;
  chat.mount({
    endpoint: config.endpoint,
    getToken: () => fetchToken(customerSelect.value),
    signIn: () => signInAgain(customerSelect.value),
    developer: true,
    open: params.get('open') === '1',
    allowedLinkHosts: [location.hostname],
  });
};

void start();
