/**
 * Saving a Blob as a download (an object URL and a temporary <a download>). The file's name, type
 * and text come from src-core/export (names.ts, diff.ts), and so does counting its records
 * (records.ts).
 */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
