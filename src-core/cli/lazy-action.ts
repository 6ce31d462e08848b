/**
 * A command's action, loaded when the command runs. Each command is defined (name, options,
 * descriptions, option parsers) in its file in src-core/cli and does its work in the module of the
 * same name in src-core/cli/run/, which exports `run`. Building the program, which is all that
 * `tidemark --help`, `--version` and `completion` need, then loads none of the action code, and
 * running a command loads only its own (docs/cli.md, "Start-up").
 */
export function lazyAction<A extends unknown[]>(
  load: () => Promise<{ run: (...args: A) => void | Promise<void> }>,
): (...args: A) => Promise<void> {
  return async (...args: A): Promise<void> => {
    const { run } = await load();
    await run(...args);
  };
}
