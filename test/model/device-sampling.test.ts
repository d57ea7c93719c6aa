/**
 * Sampling on the GPU picks the same tokens as reading the row back and sampling on the CPU, greedy
 * and with a seeded temperature, free and constrained: onnxruntime-node's WebGPU provider on
 * SwiftShader (`npm run bench:gpu -- --swiftshader --check-only`), in a child process because the
 * Vulkan loader's path is read at process start.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const swiftshader = existsSync('/usr/lib/chromium/vk_swiftshader_icd.json');

describe.skipIf(!swiftshader)('on-device sampling (WebGPU, SwiftShader)', () => {
  it('chooses the same tokens as the CPU sampler on the read-back row', () => {
    const out = execFileSync('npx', ['tsx', 'scripts/bench/gpu.ts', '--swiftshader', '--check-only', '--tokens', '5'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 600_000 });
    const checks = out
      .split('\n')
      .filter((l) => l.startsWith('{"check"'))
      .map((l) => JSON.parse(l) as { check: string; equal: boolean; tokens: number; readBack: number[]; onGpu: number[] });
    expect(checks.map((c) => c.check)).toEqual(['greedy, free', 'greedy, constrained', 'temperature 1.5, seed 5, free']);
    for (const c of checks) {
      expect(c.tokens).toBe(5);
      expect(c.onGpu).toEqual(c.readBack);
    }
    // The seeded run really sampled: it left the greedy path.
    expect(checks[2]!.readBack).not.toEqual(checks[0]!.readBack);
  }, 600_000);
});
