# The peer of gpu/examples/train_bench.rs on CPU: HF transformers (+PEFT LoRA), same shapes and
# settings as ../shared/bench/hf_peft_baseline.py but fp32 on the CPU. Prints one JSON line.
#   python gpu/bench/hf_peft_cpu.py <shape> <lora|full> <batch> <seq> [steps] [warmup]
import json, resource, sys, time, torch
from transformers import LlamaConfig, LlamaForCausalLM
from peft import LoraConfig, get_peft_model

SHAPES = {
    "tiny": dict(vocab_size=8192, hidden_size=256, intermediate_size=704, num_hidden_layers=4, num_attention_heads=4,
                 num_key_value_heads=2, max_position_embeddings=2048, tie_word_embeddings=True, rms_norm_eps=1e-5),
    "smollm2-135m": dict(vocab_size=49152, hidden_size=576, intermediate_size=1536, num_hidden_layers=30, num_attention_heads=9,
                         num_key_value_heads=3, max_position_embeddings=2048, tie_word_embeddings=True, rms_norm_eps=1e-5),
}
name, mode = sys.argv[1], sys.argv[2]
bs, seq = int(sys.argv[3]), int(sys.argv[4])
steps = int(sys.argv[5]) if len(sys.argv) > 5 else 5
warm = int(sys.argv[6]) if len(sys.argv) > 6 else 1
torch.set_num_threads(int(__import__("os").environ.get("RAYON_NUM_THREADS", "2")))
c = LlamaConfig(**SHAPES[name]); c._attn_implementation = "sdpa"
torch.manual_seed(0)
m = LlamaForCausalLM(c)
n_params = sum(p.numel() for p in m.parameters())
if mode == "lora":
    m = get_peft_model(m, LoraConfig(r=16, lora_alpha=32, lora_dropout=0.0,
        target_modules=["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]))
opt = torch.optim.AdamW([p for p in m.parameters() if p.requires_grad], lr=1e-4)
x = torch.randint(0, c.vocab_size, (bs, seq))
for i in range(warm + steps):
    if i == warm:
        t0 = time.perf_counter()
    out = m(input_ids=x, labels=x)
    out.loss.backward(); opt.step(); opt.zero_grad(set_to_none=True)
dt = time.perf_counter() - t0
print(json.dumps({"impl": "hf+peft", "case": name, "mode": mode, "batch": bs, "seq": seq, "tokens_per_s": bs * seq * steps / dt,
                  "step_ms": 1000 * dt / steps, "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
                  "params_m": n_params / 1e6, "torch": torch.__version__}), flush=True)
