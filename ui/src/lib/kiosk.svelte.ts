// Kiosk behaviour in the UI: the idle warning and the reset that wipes the visitor's search,
// shortlist and forms and returns to the attract screen in the default language. The shell
// locks the window itself (full screen, no devtools, no navigation away); this module adds the
// UI-side guards (no context menu, no selection, no zoom keys, no external links).
import * as api from '../api';
import type { Lang, PinCheck, ShowSettings } from '../api';
import { i18n, urlLang } from './i18n.svelte';
import { inquiryForm, inquiryHistory } from './inquiry.svelte';
import { insights } from './insights.svelte';
import { insightsReport } from './insights-report.svelte';
import { productView } from './product.svelte';
import { route } from './route.svelte';
import { search } from './search.svelte';
import { ITEMS_PARAM, shortlist } from './shortlist.svelte';

const DEFAULT_IDLE = 90;
const PIN_MAX = 12;

/** The staff PIN pad and what it unlocks. Its state lives here, not in the component, so the
 * visitor reset can close it: an unlocked panel or typed digits never outlive a visitor. */
class AdminPanel {
  open = $state(false);
  unlocked = $state(false);
  pin = $state('');
  answer = $state.raw<PinCheck | null>(null);
  /** Bumped by every close, so an answer that arrives after it is dropped. */
  #session = 0;

  press(key: string): void {
    if (key === '⌫') this.pin = this.pin.slice(0, -1);
    else if (this.pin.length < PIN_MAX) this.pin += key;
  }

  async unlock(): Promise<void> {
    const session = this.#session;
    const answer = await api.adminUnlock(this.pin).catch(() => null);
    if (session !== this.#session) return;
    this.answer = answer;
    this.unlocked = answer?.state === 'accepted';
  }

  async exit(): Promise<void> {
    const session = this.#session;
    const answer = await api.adminExit(this.pin).catch(() => null);
    if (session !== this.#session) return;
    this.answer = answer;
  }

  close(): void {
    this.#session += 1;
    this.open = false;
    this.unlocked = false;
    this.pin = '';
    this.answer = null;
  }
}

const DEFAULT_WARNING = 15;

class Kiosk {
  enabled = $state(false);
  settings: ShowSettings | null = $state.raw(null);
  /** Seconds left before the reset while the warning shows; null when no warning. */
  warning: number | null = $state(null);
  keyboardOpen = $state(false);
  readonly admin = new AdminPanel();
  defaultLang: Lang = 'en';
  idleSeconds = DEFAULT_IDLE;
  warningSeconds = DEFAULT_WARNING;
  #idleTimer: ReturnType<typeof setTimeout> | undefined;
  #tick: ReturnType<typeof setInterval> | undefined;

  /** Reads the settings; `?kiosk=1` (with `idle=` and `warn=` seconds) turns a browser into a kiosk
   * too, whose default language is the one its address named (`/ru/?kiosk=1`), else English. */
  async init(): Promise<void> {
    let settings: ShowSettings | null = null;
    try {
      settings = await api.showSettings();
    } catch {
      settings = null;
    }
    this.settings = settings;
    const params = new URLSearchParams(window.location.search);
    this.enabled = settings?.kiosk === true || params.get('kiosk') === '1';
    this.idleSeconds = Number(params.get('idle')) || settings?.idle_seconds || DEFAULT_IDLE;
    this.warningSeconds = Number(params.get('warn')) || settings?.idle_warning_seconds || DEFAULT_WARNING;
    this.defaultLang = settings?.default_lang ?? urlLang ?? 'en';
    shortlist.init(!this.enabled);
    inquiryHistory.init(!this.enabled);
    // A shortlist handed over from a kiosk's QR code: its products join this one, and the
    // address forgets them (a reload adds nothing twice). A kiosk takes none.
    const shared = params.get(ITEMS_PARAM);
    if (shared !== null && !this.enabled) {
      const address = new URL(window.location.href);
      address.searchParams.delete(ITEMS_PARAM);
      history.replaceState(history.state, '', address);
      void shortlist.receive(shared.split(','));
    }
    i18n.persist = !this.enabled;
    if (!this.enabled) i18n.setLang(i18n.lang);
    if (!this.enabled) return;
    document.documentElement.classList.add('kiosk');
    const activity = (): void => this.touch();
    for (const type of ['pointerdown', 'keydown', 'wheel', 'touchstart'] as const) {
      window.addEventListener(type, activity, { capture: true, passive: true });
    }
    window.addEventListener('contextmenu', (e) => e.preventDefault(), { capture: true });
    window.addEventListener('selectstart', (e) => {
      const target = e.target as HTMLElement | null;
      if (!target?.closest?.('input, textarea')) e.preventDefault();
    });
    window.addEventListener(
      'keydown',
      (e) => {
        const zoom = (e.ctrlKey || e.metaKey) && ['+', '-', '=', '0', '_'].includes(e.key);
        const devtools = e.key === 'F12' || ((e.ctrlKey || e.metaKey) && e.shiftKey && /^[ijc]$/i.test(e.key));
        const reload = e.key === 'F5' || ((e.ctrlKey || e.metaKey) && /^[rlnwtop]$/i.test(e.key));
        if (zoom || devtools || reload) e.preventDefault();
      },
      { capture: true },
    );
    window.addEventListener('wheel', (e) => e.ctrlKey && e.preventDefault(), { passive: false, capture: true });
    // Links to anywhere but this app do nothing (the shell refuses the navigation as well).
    document.addEventListener(
      'click',
      (e) => {
        const link = (e.target as HTMLElement | null)?.closest?.('a[href]') as HTMLAnchorElement | null;
        if (link && (link.origin !== window.location.origin || link.target === '_blank')) e.preventDefault();
      },
      { capture: true },
    );
    window.open = () => null;
    this.reset();
  }

  touch(): void {
    if (!this.enabled) return;
    if (this.warning !== null) this.#stopWarning();
    clearTimeout(this.#idleTimer);
    this.#idleTimer = setTimeout(() => this.#warn(), this.idleSeconds * 1000);
  }

  #warn(): void {
    if (route.screen.name === 'attract' && this.#nothingToWipe()) {
      this.touch();
      return;
    }
    this.warning = this.warningSeconds;
    this.#tick = setInterval(() => {
      if (this.warning === null) return;
      this.warning -= 1;
      if (this.warning <= 0) this.#visitorLeft();
    }, 1000);
  }

  #nothingToWipe(): boolean {
    return !this.admin.open && search.query === '' && !search.hasFilters && shortlist.items.length === 0 && i18n.lang === this.defaultLang;
  }

  #stopWarning(): void {
    clearInterval(this.#tick);
    this.warning = null;
  }

  /** The idle reset between two visitors: everything wiped, and in the app window the page
   * loaded afresh. WebKitGTK's web process keeps memory a page has used (a soak of 656
   * visitors grew it by 35 MiB every hundred); a new document every visitor gives it back
   * and leaves nothing of the last visitor in the page's memory either. */
  #visitorLeft(): void {
    this.reset();
    if (api.inTauri) window.location.reload();
  }

  /** Wipes everything a visitor left (the staff panel and its PIN included) and shows the
   * attract screen in the default language (in a browser, at /{default lang}/attract). */
  /** From the unlocked staff panel to the demand report, which asks the core with the PIN. */
  openInsights(): void {
    insightsReport.access = this.admin.pin;
    this.admin.close();
    route.go('insights');
  }

  reset(): void {
    insights.newVisit();
    insightsReport.reset();
    this.#stopWarning();
    this.keyboardOpen = false;
    this.admin.close();
    inquiryForm.reset();
    inquiryHistory.reset();
    shortlist.clear();
    i18n.setLang(this.defaultLang);
    search.reset();
    productView.close();
    route.reset('attract');
    (document.activeElement as HTMLElement | null)?.blur?.();
    this.touch();
  }
}

export const kiosk = new Kiosk();
