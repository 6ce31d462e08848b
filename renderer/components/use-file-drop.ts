/**
 * One home for "drop a file here": the Diff tab's snapshot picker and the New transaction editor.
 * `over` says a drag is over the target (for its highlight); `handlers` go on the target element.
 * A drop without a file (text dragged into the editor) is left to the browser.
 */
import { type DragEvent, useState } from 'react';

export interface FileDrop {
  over: boolean;
  handlers: {
    onDragOver: (e: DragEvent) => void;
    onDragLeave: () => void;
    onDrop: (e: DragEvent) => void;
  };
}

export function useFileDrop(onFile: (f: File) => void): FileDrop {
  const [over, setOver] = useState(false);
  return {
    over,
    handlers: {
      onDragOver: (e) => {
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
        setOver(true);
      },
      onDragLeave: () => setOver(false),
      onDrop: (e) => {
        setOver(false);
        const f = e.dataTransfer.files[0];
        if (!f) return;
        e.preventDefault();
        onFile(f);
      },
    },
  };
}
