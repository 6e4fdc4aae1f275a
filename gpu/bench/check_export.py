# Checks that what `polytune export` writes loads in transformers and peft:
#   python gpu/bench/check_export.py <base model dir> <merged dir> <adapter dir>
# The merged model and base + adapter (PEFT) must give the same logits, different from the base's;
# the tokenizer and its chat template load with AutoTokenizer.
import sys, torch
from transformers import AutoModelForCausalLM, AutoTokenizer
from peft import PeftModel

base_dir, merged_dir, adapter_dir = sys.argv[1:4]
tok = AutoTokenizer.from_pretrained(merged_dir)
text = tok.apply_chat_template([{"role": "user", "content": "Translate into German: Good morning"}], tokenize=False, add_generation_prompt=True)
ids = tok(text, return_tensors="pt").input_ids
with torch.no_grad():
    base = AutoModelForCausalLM.from_pretrained(base_dir, torch_dtype=torch.float32).eval()
    base_logits = base(ids).logits
    peft = PeftModel.from_pretrained(base, adapter_dir).eval()
    peft_logits = peft(ids).logits
    merged = AutoModelForCausalLM.from_pretrained(merged_dir, torch_dtype=torch.float32).eval()
    merged_logits = merged(ids).logits
d_merged = (merged_logits - peft_logits).abs().max().item()
d_base = (merged_logits - base_logits).abs().max().item()
print({"prompt_tokens": ids.shape[1], "max|merged - base+adapter|": d_merged, "max|merged - base|": d_base})
assert d_merged < 1e-4, d_merged
assert d_base > 1e-3, d_base
print("OK: merged weights and the PEFT adapter load and agree")
