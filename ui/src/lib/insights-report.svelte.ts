// The operator's demand report: who may see it (the admin PIN on a kiosk, the operator token in
// a browser, the owner on a desktop), the period, and the report or one exhibitor's page. The
// access is kept in memory only and wiped by the kiosk's reset.
import * as api from '../api';
import type { ExhibitorReport, InsightsReport } from '../api';
import { i18n } from './i18n.svelte';

export type Period = 'day' | 'week' | 'month';
const HOURS: Record<Period, number> = { day: 24, week: 24 * 7, month: 24 * 30 };

class InsightsReportState {
  /** PIN or operator token; `null` until given (a desktop needs none). */
  access: string | null = $state(null);
  period: Period = $state('week');
  report: InsightsReport | null = $state.raw(null);
  exhibitor: ExhibitorReport | null = $state.raw(null);
  /** The exhibitor whose page is shown (kept across a change of period or language). */
  exhibitorId: string | null = $state(null);
  loading = $state(false);
  /** `unauthorized` when the access was refused, another error code otherwise. */
  failed: string | null = $state(null);
  #seq = 0;

  /** The period's bounds, to the end of the current hour. */
  bounds(): { from: string; to: string } {
    const end = new Date();
    end.setUTCMinutes(0, 0, 0);
    end.setUTCHours(end.getUTCHours() + 1);
    const start = new Date(end.getTime() - HOURS[this.period] * 3600_000);
    return { from: start.toISOString(), to: end.toISOString() };
  }

  /** The whole report, or one exhibitor's page (`undefined`: the one shown now). */
  async load(exhibitorId: string | null | undefined = undefined): Promise<void> {
    if (exhibitorId !== undefined) this.exhibitorId = exhibitorId;
    exhibitorId = this.exhibitorId;
    const seq = ++this.#seq;
    const { from, to } = this.bounds();
    this.loading = true;
    this.failed = null;
    try {
      if (exhibitorId === null) {
        const report = await api.insightsReport(this.access ?? '', from, to, i18n.lang);
        if (seq !== this.#seq) return;
        this.report = report;
        this.exhibitor = null;
      } else {
        const page = await api.insightsExhibitor(this.access ?? '', exhibitorId, from, to, i18n.lang);
        if (seq !== this.#seq) return;
        this.exhibitor = page;
      }
    } catch (e) {
      if (seq !== this.#seq) return;
      const code = api.toApiError(e).code;
      this.failed = code;
      if (code === 'unauthorized') {
        this.access = null;
        this.report = null;
        this.exhibitor = null;
      }
    } finally {
      if (seq === this.#seq) this.loading = false;
    }
  }

  /** Forgets the access and what it showed (a kiosk's reset, leaving the screen). */
  reset(): void {
    this.#seq++;
    this.access = null;
    this.report = null;
    this.exhibitor = null;
    this.exhibitorId = null;
    this.failed = null;
    this.loading = false;
  }

  /** Back from an exhibitor's page to the whole report. */
  whole(): void {
    this.exhibitorId = null;
    this.exhibitor = null;
    void this.load();
  }
}

export const insightsReport = new InsightsReportState();
