// A message carried to the next page after a form sends someone there ("Your thread has been
// posted"), shown once.
let message: string | null = null;

export function setFlash(text: string): void {
  message = text;
}

export function takeFlash(): string | null {
  const m = message;
  message = null;
  return m;
}
