#!/usr/bin/python3
"""The engine benchmark's peer: the same quick-preset transformer (RMSNorm,
rotary positions, SwiGLU, fused QKV) and the same sampling loop (left-padded
prompts, preallocated KV cache, temperature 0.6, top-p 0.95, every row making
--new-tokens tokens) and training step (batch 32 x 128, AdamW, clipping) in
PyTorch, as a Python user would write them. Run with Debian's /usr/bin/python3
(torch 1.13):

    /usr/bin/python3 bench/peers/engine_peer.py [--threads T] [--new-tokens N] [--train-steps S]
"""
import argparse
import math
import os
import time

import torch_threads  # before torch: sets the OpenMP wait policy

import torch
import torch.nn.functional as F

D, L, H, FF, MAX_T, V = 128, 4, 4, 352, 256, 51
DH = D // H


def rms_norm(x, w, eps=1e-5):
    return x * torch.rsqrt(x.square().mean(-1, keepdim=True) + eps) * w


def rotary(x, cos, sin):
    h = x.shape[-1] // 2
    x1, x2 = x[..., :h], x[..., h:]
    return torch.cat([x1 * cos - x2 * sin, x1 * sin + x2 * cos], -1)


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        g = torch.Generator().manual_seed(1)
        p = lambda *s: torch.nn.Parameter(torch.randn(*s, generator=g) * 0.02)
        self.emb = p(V, D)
        self.layers = torch.nn.ModuleList()
        for _ in range(L):
            m = torch.nn.Module()
            m.n1, m.n2 = torch.nn.Parameter(torch.ones(D)), torch.nn.Parameter(torch.ones(D))
            m.qkv, m.out, m.gu, m.down = p(3 * D, D), p(D, D), p(2 * FF, D), p(D, FF)
            self.layers.append(m)
        self.norm = torch.nn.Parameter(torch.ones(D))
        self.head = p(V, D)
        inv = 10000.0 ** (-torch.arange(0, DH // 2, dtype=torch.float64) * 2 / DH)
        ang = torch.outer(torch.arange(MAX_T, dtype=torch.float64), inv)
        self.cos, self.sin = ang.cos().float(), ang.sin().float()

    def forward(self, ids, pos, bias, cache=None, past=0):
        B, T = ids.shape
        cos, sin = self.cos[pos].unsqueeze(1), self.sin[pos].unsqueeze(1)
        x = F.embedding(ids, self.emb)
        for l, m in enumerate(self.layers):
            h = rms_norm(x, m.n1)
            q, k, v = F.linear(h, m.qkv).view(B, T, 3, H, DH).permute(2, 0, 3, 1, 4)
            q, k = rotary(q, cos, sin), rotary(k, cos, sin)
            if cache is not None:
                cache[0][l][:, :, past:past + T] = k
                cache[1][l][:, :, past:past + T] = v
                k, v = cache[0][l][:, :, :past + T], cache[1][l][:, :, :past + T]
            s = q @ k.transpose(-2, -1) / math.sqrt(DH) + bias
            x = x + F.linear((s.softmax(-1) @ v).transpose(1, 2).reshape(B, T, D), m.out)
            gate, up = F.linear(rms_norm(x, m.n2), m.gu).chunk(2, -1)
            x = x + F.linear(F.silu(gate) * up, m.down)
        return F.linear(rms_norm(x, self.norm), self.head)


def sample(logits, temperature=0.6, top_p=0.95):
    probs = (logits / temperature).softmax(-1)
    sorted_p, idx = probs.sort(-1, descending=True)
    cum = sorted_p.cumsum(-1)
    sorted_p[(cum - sorted_p) >= top_p] = 0
    choice = torch.multinomial(sorted_p / sorted_p.sum(-1, keepdim=True), 1)
    token = idx.gather(-1, choice)
    logprob = logits.log_softmax(-1).gather(-1, token)
    return token, logprob


@torch.inference_mode()
def generate(model, prompts, new_tokens):
    B = len(prompts)
    P = max(len(p) for p in prompts) + 1
    cap = P + new_tokens
    ids = torch.zeros(B, P, dtype=torch.long)
    pad = torch.tensor([P - 1 - len(p) for p in prompts])
    for b, p in enumerate(prompts):
        ids[b, pad[b]] = 1
        ids[b, pad[b] + 1:] = torch.tensor(p)
    slots = torch.arange(cap)
    key_bias = torch.zeros(B, cap).masked_fill(slots[None] < pad[:, None], float("-inf"))
    qi, ki = slots[:P].view(1, P, 1), slots[:P].view(1, 1, P)
    allowed = (ki <= qi) & ((ki >= pad.view(B, 1, 1)) | (ki == qi))
    bias = torch.zeros(B, 1, P, P).masked_fill(~allowed.unsqueeze(1), float("-inf"))
    cache = ([torch.empty(B, H, cap, DH) for _ in range(L)], [torch.empty(B, H, cap, DH) for _ in range(L)])
    pos = (slots[:P][None] - pad[:, None]).clamp(min=0)
    logits = model(ids, pos, bias, cache, 0)[:, -1]
    out, total = [], torch.zeros(B)
    for step in range(new_tokens):
        token, logprob = sample(logits)
        out.append(token)
        total += logprob.squeeze(-1)
        past = P + step
        if step + 1 == new_tokens:
            break
        logits = model(token, (past - pad).view(B, 1), key_bias[:, :past + 1].view(B, 1, 1, -1), cache, past)[:, -1]
    return torch.cat(out, 1), total


def read_safetensors(path):
    """A reader written from the safetensors specification (numpy only)."""
    import json
    import struct

    import numpy as np

    data = open(path, "rb").read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    header.pop("__metadata__", None)
    types = {"F32": np.float32, "I64": np.int64, "F64": np.float64, "I32": np.int32}
    out = {}
    for name, e in header.items():
        b, end = e["data_offsets"]
        arr = np.frombuffer(data[8 + n + b:8 + n + end], dtype=types[e["dtype"]]).reshape(e["shape"])
        out[name] = torch.from_numpy(arr.copy())
    return out


def load_engine_weights(model, folder):
    w = read_safetensors(os.path.join(folder, "model.safetensors"))
    with torch.no_grad():
        model.emb.copy_(w["embedding.weight"])
        for l, m in enumerate(model.layers):
            p = f"layers.{l}."
            m.n1.copy_(w[p + "attn_norm.weight"]); m.qkv.copy_(w[p + "qkv.weight"])
            m.out.copy_(w[p + "out.weight"]); m.n2.copy_(w[p + "mlp_norm.weight"])
            m.gu.copy_(w[p + "gate_up.weight"]); m.down.copy_(w[p + "down.weight"])
        model.norm.copy_(w["final_norm.weight"])
        model.head.copy_(w["head.weight"])
    check = read_safetensors(os.path.join(folder, "check.safetensors"))
    ids = check["tokens"]
    T = ids.shape[1]
    with torch.no_grad():
        logits = model(ids, torch.arange(T)[None], torch.full((T, T), float("-inf")).triu(1))
    diff = (logits - check["logits"]).abs().max().item()
    print(f"peer: same weights as the engine (read from its safetensors): max |logit difference| = {diff:.2e}")
    if diff > 1e-4:
        raise SystemExit("peer: the Python model does not compute what the engine computes")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--new-tokens", type=int, default=64)
    ap.add_argument("--train-steps", type=int, default=6)
    ap.add_argument("--model", help="folder written by bench_engine --save-model: check the peer computes the same logits")
    a = ap.parse_args()
    torch_threads.use_threads(torch, a.threads)
    torch.manual_seed(0)
    model = Model()
    if a.model:
        load_engine_weights(model, a.model)
    print(f"peer (python {torch.__version__}): {a.threads} threads")
    for batch in (1, 64, 256):
        rows = 8 if batch == 1 else batch
        prompts = [[3 + (r * 7 + t * 3) % 40 for t in range(16)] for r in range(rows)]
        generate(model, prompts[:1], a.new_tokens)
        start = time.perf_counter()
        tokens = 0
        for begin in range(0, rows, batch):
            out, _ = generate(model, prompts[begin:begin + batch], a.new_tokens)
            tokens += out.numel()
        elapsed = time.perf_counter() - start
        print(f"peer sampling batch {batch:3d}: {tokens / elapsed:9.0f} tokens/s ({tokens} tokens, {elapsed:.2f} s)")

    B, T = 32, 128
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, betas=(0.9, 0.95), weight_decay=0.1)
    ids = torch.randint(3, V, (B, T + 1))
    pos = torch.arange(T).expand(B, T)
    causal = torch.full((T, T), float("-inf")).triu(1)

    def step():
        logits = model(ids[:, :T], pos, causal)
        loss = F.cross_entropy(logits.reshape(-1, V), ids[:, 1:].reshape(-1))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()

    step()
    start = time.perf_counter()
    for _ in range(a.train_steps):
        step()
    elapsed = time.perf_counter() - start
    print(f"peer training batch {B} x {T}: {B * T * a.train_steps / elapsed:9.0f} tokens/s")


if __name__ == "__main__":
    main()
