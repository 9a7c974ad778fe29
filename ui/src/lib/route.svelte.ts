// The screen on show, from the address's hash: #/ (home), #/attract, #/search, #/hall[/booth],
// #/exhibitor/<id>, #/shortlist, #/inquiry, #/inquiries[/<reference>]. A product (#/product/<id>) opens over the screen
// it was reached from, which stays as it was.
import { productIdFromHash } from './router';

export type ScreenName = 'home' | 'attract' | 'search' | 'hall' | 'exhibitor' | 'shortlist' | 'inquiry' | 'inquiries';
export interface Screen {
  name: ScreenName;
  arg: string | null;
}

const NAMES: readonly ScreenName[] = ['home', 'attract', 'search', 'hall', 'exhibitor', 'shortlist', 'inquiry', 'inquiries'];

export function parseScreen(hash: string): Screen {
  const match = /^#\/([a-z]+)(?:\/([^/?#]+))?$/.exec(hash);
  if (!match) return { name: 'home', arg: null };
  const name = match[1] as ScreenName;
  if (!NAMES.includes(name)) return { name: 'home', arg: null };
  let arg: string | null = null;
  try {
    arg = match[2] ? decodeURIComponent(match[2]) : null;
  } catch {
    arg = null;
  }
  return { name, arg };
}

export function screenHref(name: ScreenName, arg: string | null = null): string {
  return arg === null ? `#/${name}` : `#/${name}/${encodeURIComponent(arg)}`;
}

class Route {
  screen: Screen = $state(parseScreen(window.location.hash));

  sync(): void {
    if (productIdFromHash() !== null) return;
    this.screen = parseScreen(window.location.hash);
  }

  go(name: ScreenName, arg: string | null = null): void {
    const href = screenHref(name, arg);
    if (window.location.hash !== href) window.location.hash = href;
    else this.screen = { name, arg };
  }
}

export const route = new Route();
