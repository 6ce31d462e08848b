/**
 * Saving a Blob as a download (an object URL and a temporary <a download>), and counting the
 * records of an exported CSV or NDJSON text so the UI can say how many rows were saved.
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

/** Records in NDJSON text: non-blank lines. */
export function countNdjsonRecords(text: string): number {
  let n = 0;
  for (const line of text.split('\n')) if (line.trim() !== '') n++;
  return n;
}

/** Data records in CSV text (header excluded); newlines inside quoted cells do not count. */
export function countCsvRecords(text: string): number {
  let records = 0;
  let inQuotes = false;
  let lineHasContent = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      inQuotes = !inQuotes;
      lineHasContent = true;
    } else if (c === 10 /* \n */ && !inQuotes) {
      if (lineHasContent) records++;
      lineHasContent = false;
    } else if (c !== 13 /* \r */) {
      lineHasContent = true;
    }
  }
  if (lineHasContent) records++;
  return Math.max(0, records - 1);
}

/** A file name safe on every OS: topic + suffix + extension. */
export function exportFileName(topic: string, what: string, ext: string): string {
  const safe = topic.replace(/[^A-Za-z0-9._-]/g, '_');
  return `${safe}-${what}.${ext}`;
}
