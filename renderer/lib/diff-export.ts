/**
 * The Diff tab's "Export": the file the app saves for the rows it shows — name
 * (`<topic>-diff.csv|ndjson`, with the comparison options when short), media type and text (an
 * NDJSON file records the options in its first line), all from src-core/export (the one diff
 * file layout, the same bytes as `tidemark diff --out` with the same options). The browser build and the desktop app both
 * save this text unchanged as a Blob download (in Electron, electron/downloads.ts only picks where).
 */
import { type DiffFileOptions, diffFileText } from '../../src-core/export/diff';
import { diffFileName, exportMediaType } from '../../src-core/export/names';
import type { ExportFormat } from '../../src-core/model/store-api';
import type { DiffRow } from '../../src-core/model/types';

export interface ExportFile {
  name: string;
  type: string;
  text: string;
}

export function diffExportFile(
  topic: string,
  rows: readonly DiffRow[],
  format: ExportFormat,
  options?: DiffFileOptions,
): ExportFile {
  return {
    name: diffFileName(topic, format, options),
    type: exportMediaType(format),
    text: diffFileText(rows, format, options),
  };
}
