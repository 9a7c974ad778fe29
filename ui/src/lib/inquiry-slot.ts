// The hook for the inquiry form (built separately, see docs/inquiry-api.md): the form's module
// registers its component here, and #/inquiry shows it with the shortlist's items. A kiosk
// reset calls every registered reset, so a half-filled form never outlives a visitor.
import type { Component } from 'svelte';
import type { ShortlistItem } from './shortlist.svelte';

export interface InquiryFormProps {
  items: ShortlistItem[];
  onclose: () => void;
}

let form: Component<InquiryFormProps> | null = null;

export function registerInquiryForm(component: Component<InquiryFormProps>): void {
  form = component;
}

export function inquiryForm(): Component<InquiryFormProps> | null {
  return form;
}

const resets = new Set<() => void>();

/** Registers what a kiosk reset must wipe; returns the unregister function. */
export function onVisitorReset(reset: () => void): () => void {
  resets.add(reset);
  return () => resets.delete(reset);
}

export function runVisitorResets(): void {
  for (const reset of resets) reset();
}
