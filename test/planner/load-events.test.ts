/** Loading a planner: the event order (files, then vocabulary preparation, then ready) and info. */
import { describe, expect, it } from 'vitest';
import type { ProgressInfo } from '../../src/model/index.ts';
import { Planner } from '../../src/planner/planner.ts';
import { ToolplanError } from '../../src/shared/toolplan-error.ts';
import { modelDir } from '../../scripts/lib/fixtures.ts';

describe('Planner.create', () => {
  it('announces the vocabulary preparation after the files and sends ready last; info is set', async () => {
    const events: ProgressInfo[] = [];
    const planner = await Planner.create({ model: modelDir('tiny-qwen3_5'), dtype: 'q4', onProgress: (e) => events.push(e) });
    try {
      const statuses = events.map((e) => e.status);
      expect(statuses.at(-1)).toBe('ready');
      expect(statuses.filter((s) => s === 'ready')).toHaveLength(1);
      const prepare = statuses.indexOf('prepare');
      expect(prepare).toBe(statuses.length - 2);
      expect(statuses.lastIndexOf('done')).toBeLessThan(prepare);
      expect(events[prepare]).toEqual({ status: 'prepare', name: modelDir('tiny-qwen3_5'), task: 'vocabulary' });
      expect(planner.info.device).toBe('cpu');
      expect(planner.info.dtype).toBe('q4');
      // The layout probes (genai_config.json, chat_template.jinja) are not downloads the user sees.
      const files = events.flatMap((e) => ('file' in e ? [e.file] : []));
      expect(files).toContain('config.json');
      expect(files.filter((f) => f === 'genai_config.json' || f === 'chat_template.jinja')).toEqual([]);
    } finally {
      await planner.dispose();
    }
  });

  it('a load failure is a ToolplanError', async () => {
    const err = await Planner.create({ model: `${modelDir('tiny-qwen3_5')}/no-such-model` }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ToolplanError);
    expect((err as Error).name).toBe('ModelFileNotFoundError');
  });
});
