// The product page's address: #/product/<id>, so a link can open it and Back closes it.

export function productHref(id: string): string {
  return `#/product/${encodeURIComponent(id)}`;
}

export function productIdFromHash(hash: string = window.location.hash): string | null {
  const match = /^#\/product\/([^/?#]+)$/.exec(hash);
  if (!match) return null;
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return null;
  }
}
