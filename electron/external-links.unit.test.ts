import { describe, expect, it } from 'vitest';
import { openExternalLink, safeExternalUrl, type ShellLike } from './external-links';

class RecordingShell implements ShellLike {
  opened: string[] = [];
  async openExternal(url: string): Promise<void> {
    this.opened.push(url);
  }
}

describe('external links', () => {
  it('opens http and https links, normalised', async () => {
    const shell = new RecordingShell();
    expect(await openExternalLink('https://github.com/tidemark/tidemark#readme', shell)).toBe(true);
    expect(await openExternalLink('HTTP://Example.com', shell)).toBe(true);
    expect(shell.opened).toEqual(['https://github.com/tidemark/tidemark#readme', 'http://example.com/']);
  });

  it('refuses every other scheme, credentials and junk', async () => {
    const shell = new RecordingShell();
    for (const url of [
      'file:///etc/passwd',
      'javascript:alert(1)',
      'data:text/html,<script>1</script>',
      'smb://host/share',
      'ms-msdt:/id PCWDiagnostic',
      'vscode://file/x',
      'https://user:pw@example.com/',
      'not a url',
      '',
      42,
      null,
      'https://' + 'a'.repeat(5000) + '.com',
    ]) {
      expect(await openExternalLink(url, shell)).toBe(false);
    }
    expect(shell.opened).toEqual([]);
    expect(safeExternalUrl('https://example.com/a?b=c')).toBe('https://example.com/a?b=c');
  });
});
