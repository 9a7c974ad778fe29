// The inquiry form's state, kept outside the component so that it survives moving between
// screens and a language switch, and wiped by a kiosk reset (kiosk.reset). Also the list
// of this browser's own inquiries (their references), which the history shows.
import * as api from '../api';
import type { FieldError, InquiryDraft, Lang, OutboxEntry, OutboxInfo, Withdrawal } from '../api';
import { i18n } from './i18n.svelte';
import { insights } from './insights.svelte';
import type { ShortlistItem } from './shortlist.svelte';
import { INCOTERMS, MESSENGERS, UNITS } from '../api/types';

/** The version of the consent sentence (`inquiry-form-consent` in ui.ftl) sent with each inquiry. */
export const CONSENT_TEXT_VERSION = '2026-11';
// The closed lists come from the core with its types, so the form offers exactly what it accepts.
export { INCOTERMS, MESSENGERS, UNITS };
/** The currencies of the SCO region and of world trade, the first ones offered. */
export const CURRENCIES = ['CNY', 'USD', 'EUR', 'RUB', 'KZT', 'UZS', 'KGS', 'TJS', 'BYN', 'INR', 'PKR', 'IRR', 'MNT'] as const;

export interface ItemDraft {
  quantity: string;
  unit: string;
  price: string;
  currency: string;
}

const REFS_KEY = 'showroom.inquiries';

class InquiryForm {
  items: Record<string, ItemDraft> = $state({});
  incoterm = $state('');
  country = $state('');
  place = $state('');
  deliveryBy = $state('');
  message = $state('');
  name = $state('');
  company = $state('');
  email = $state('');
  phone = $state('');
  messengerKind = $state<string>('telegram');
  messengerHandle = $state('');
  consent = $state(false);
  /** The language the buyer wants the answer in; the UI language until chosen. */
  replyLang = $state<Lang | null>(null);

  /** The core's field errors of the last try, in `errorsLang`. */
  errors: FieldError[] = $state([]);
  errorsLang: Lang | null = $state(null);
  sending = $state(false);
  /** The queued inquiry after a successful send: the receipt shows it. */
  receipt: OutboxEntry | null = $state(null);
  /** The items of the receipt, as they were sent (names for the receipt). */
  receiptItems: ShortlistItem[] = $state([]);
  /** The language and draft the shown errors are about. */
  #checked = '';

  /** The per-item fields of a shortlisted product, made on first sight from its unit and price
   * (called from the form's script, never from its markup, which may not write state). */
  ensure(product: ShortlistItem): ItemDraft {
    let draft = this.items[product.id];
    if (!draft) {
      draft = {
        quantity: product.moq != null ? String(product.moq) : '',
        unit: (UNITS as readonly string[]).includes(product.unit) ? product.unit : 'kg',
        price: '',
        currency: product.price?.currency ?? 'CNY',
      };
      this.items[product.id] = draft;
    }
    return this.items[product.id]!;
  }

  /** The body the core validates: what the visitor typed, trimmed, empty optional fields absent. */
  draft(products: ShortlistItem[]): InquiryDraft {
    const text = (value: string) => (value.trim() === '' ? null : value.trim());
    const number = (value: string) => {
      const n = Number(value.replace(',', '.').replace(/\s/g, ''));
      return Number.isFinite(n) ? n : 0;
    };
    const country = text(this.country);
    const place = text(this.place);
    const handle = text(this.messengerHandle);
    return {
      locale: this.replyLang ?? i18n.lang,
      items: products.map((p) => {
        const it = this.items[p.id] ?? this.ensure(p);
        return {
          product_id: p.id,
          quantity: number(it.quantity),
          unit: it.unit,
          target_price: text(it.price) === null ? null : { amount: number(it.price), currency: it.currency },
        };
      }),
      incoterm: text(this.incoterm),
      destination: country === null && place === null ? null : { country: country ?? '', place },
      delivery_by: text(this.deliveryBy),
      message: text(this.message),
      buyer: {
        name: this.name.trim(),
        company: text(this.company),
        email: text(this.email),
        // People write phone numbers with spaces, dashes and brackets; E.164 has none.
        phone: text(this.phone.replace(/[\s\-().]/g, '')),
        messenger: handle === null ? null : { kind: this.messengerKind, handle },
      },
      consent: { contact: this.consent, text_version: CONSENT_TEXT_VERSION },
    };
  }

  /** The messages of one field path (`items[0].quantity`, `buyer`, ...). */
  errorsOf(field: string): string[] {
    return this.errors.filter((e) => e.field === field).map((e) => e.message);
  }

  async submit(products: ShortlistItem[]): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    const lang = i18n.lang;
    try {
      const draft = this.draft(products);
      const result = await api.submitInquiry(draft, lang);
      if (result.status === 'invalid') {
        this.#checked = `${lang}|${JSON.stringify(draft)}`;
        this.errors = result.errors;
        this.errorsLang = lang;
        return;
      }
      this.errors = [];
      this.errorsLang = null;
      this.receipt = result.entry;
      this.receiptItems = products.map((p) => ({ ...p }));
      inquiryHistory.remember(result.entry.client_ref);
      insights.inquirySent();
      this.clearFields();
    } finally {
      this.sending = false;
    }
  }

  /** Asks the core again for the errors of the current draft in the current language, so that
   * shown errors follow the visitor's corrections and a language switch. */
  async refresh(products: ShortlistItem[]): Promise<void> {
    const lang = i18n.lang;
    const draft = this.draft(products);
    const key = `${lang}|${JSON.stringify(draft)}`;
    if (key === this.#checked) return;
    this.#checked = key;
    const errors = await api.validateInquiry(draft, lang);
    if (this.#checked === key && this.errors.length > 0) {
      this.errors = errors;
      this.errorsLang = lang;
    }
  }

  clearFields(): void {
    this.items = {};
    this.incoterm = '';
    this.country = '';
    this.place = '';
    this.deliveryBy = '';
    this.message = '';
    this.name = '';
    this.company = '';
    this.email = '';
    this.phone = '';
    this.messengerKind = 'telegram';
    this.messengerHandle = '';
    this.consent = false;
    this.replyLang = null;
    this.errors = [];
    this.errorsLang = null;
    this.#checked = '';
  }

  /** Everything the visitor typed or was shown (kiosk reset). */
  reset(): void {
    this.clearFields();
    this.sending = false;
    this.receipt = null;
    this.receiptItems = [];
  }
}

export const inquiryForm = new InquiryForm();

/** The most references one history request names (the server's limit). */
const MAX_REFS = 50;

/** The buyer's history: this device's outbox (app) or the inquiries this browser sent. */
class History {
  entries: OutboxEntry[] = $state([]);
  info: OutboxInfo | null = $state(null);
  loaded = $state(false);
  failed = $state(false);
  #refs: string[] = [];
  #persist = false;

  /** Desktop remembers its references across restarts; a kiosk never writes them down. */
  init(persist: boolean): void {
    this.#persist = persist;
    if (!persist) {
      localStorage.removeItem(REFS_KEY);
      return;
    }
    try {
      const saved: unknown = JSON.parse(localStorage.getItem(REFS_KEY) ?? '[]');
      if (Array.isArray(saved)) this.#refs = saved.filter((r): r is string => typeof r === 'string').slice(-MAX_REFS);
    } catch {
      this.#refs = [];
    }
  }

  remember(ref: string): void {
    if (!this.#refs.includes(ref)) this.#refs = [...this.#refs, ref].slice(-MAX_REFS);
    if (this.#persist) localStorage.setItem(REFS_KEY, JSON.stringify(this.#refs));
  }

  /** Takes an inquiry back: removed if it has not left, its contact details deleted if it has. */
  async withdraw(ref: string): Promise<Withdrawal> {
    const done = await api.withdrawInquiry(ref);
    if (done.status === 'removed') {
      this.#refs = this.#refs.filter((r) => r !== ref);
      if (this.#persist) localStorage.setItem(REFS_KEY, JSON.stringify(this.#refs));
      this.entries = this.entries.filter((e) => e.client_ref !== ref);
    }
    await this.load();
    return done;
  }

  async load(): Promise<void> {
    try {
      const [entries, info] = await Promise.all([api.inquiries(this.#refs), api.outboxInfo()]);
      this.entries = entries;
      this.info = info;
      this.failed = false;
    } catch {
      this.failed = true;
    } finally {
      this.loaded = true;
    }
  }

  reset(): void {
    this.entries = [];
    this.#refs = [];
    localStorage.removeItem(REFS_KEY);
  }
}

export const inquiryHistory = new History();

