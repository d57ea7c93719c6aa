/**
 * genai_config.json as onnxruntime-genai's model builder writes it for a text-only Qwen3.5 export
 * (builders/base.py make_genai_config; cache names of the linear-attention layers are not listed
 * there: genai derives `past_key_values.%d.conv_state` / `.recurrent_state` from past_key_names).
 */
import type { SpecialIds, TinyQwen35Config } from './qwen3_5.ts';

export function genaiConfigJson(c: TinyQwen35Config, ids: SpecialIds): object {
  const a = c.attention;
  return {
    model: {
      bos_token_id: ids.endOfText,
      context_length: c.maxPositions,
      decoder: {
        session_options: { log_id: 'onnxruntime-genai', provider_options: [] },
        filename: 'model.onnx',
        head_size: a.headDim,
        hidden_size: c.hidden,
        inputs: {
          input_ids: 'input_ids',
          attention_mask: 'attention_mask',
          position_ids: 'position_ids',
          past_key_names: 'past_key_values.%d.key',
          past_value_names: 'past_key_values.%d.value',
        },
        outputs: { logits: 'logits', present_key_names: 'present.%d.key', present_value_names: 'present.%d.value' },
        num_attention_heads: a.heads,
        num_hidden_layers: c.layerTypes.length,
        num_key_value_heads: a.kvHeads,
      },
      eos_token_id: [ids.imEnd, ids.endOfText],
      pad_token_id: ids.endOfText,
      type: 'qwen3_5_text',
      vocab_size: c.vocab,
    },
    search: { do_sample: false, max_length: c.maxPositions, num_beams: 1, past_present_share_buffer: true, temperature: 1.0, top_k: 50, top_p: 1.0 },
  };
}
