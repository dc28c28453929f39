#!/usr/bin/python3
"""The same GRPO step as bench_rl_step, written in Python with PyTorch.

Loads the engine's checkpoint (config.json, model.safetensors), then for each
step: samples G completions for each of P prompts (batched, KV cache, rows
leave the batch at eos, chunks of 64 rows, temperature 1), scores the batch
under the policy and the reference (one forward each), and runs the update:
mini-batches of whole groups, GRPO advantages, clipped surrogate with dual
clip, k3 KL loss, token-mean, gradient clipping, AdamW. Prints one JSON object
with the seconds of each phase per step and the tokens generated.

Usage: rl_step_peer.py --model DIR --prompts FILE --steps N --threads T
  FILE: one prompt per line as space-separated token ids (no bos).
"""
import argparse
import json
import math
import struct
import time

import numpy as np
import torch_threads  # before torch: sets the OpenMP wait policy

import torch
import torch.nn.functional as F

PAD, BOS, EOS = 0, 1, 2


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        assert info["dtype"] == "F32", name
        b, e = info["data_offsets"]
        out[name] = torch.from_numpy(np.frombuffer(data[b:e], dtype=np.float32).copy()).view(info["shape"])
    return out


class Model:
    def __init__(self, cfg, weights):
        self.cfg = cfg
        self.w = {k: v.clone().requires_grad_(True) for k, v in weights.items()}
        dh = cfg["d_model"] // cfg["n_heads"]
        inv = torch.pow(torch.tensor(cfg["rope_theta"], dtype=torch.float64),
                        torch.arange(0, dh // 2, dtype=torch.float64) * (-2.0 / dh))
        ang = torch.outer(torch.arange(0, cfg["max_seq_len"], dtype=torch.float64), inv)
        self.cos, self.sin = ang.cos().float(), ang.sin().float()

    def params(self):
        return list(self.w.values())

    def rms(self, x, w):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.cfg["norm_eps"]) * w

    def rotary(self, x, cos, sin):
        half = x.shape[-1] // 2
        x1, x2 = x[..., :half], x[..., half:]
        return torch.cat([x1 * cos - x2 * sin, x1 * sin + x2 * cos], -1)

    def forward(self, tokens, positions, bias, cache=None):
        """tokens, positions [B, T]; bias [B, 1, T, S] additive; cache: dict of per-layer k, v lists."""
        cfg, w = self.cfg, self.w
        B, T = tokens.shape
        D, H = cfg["d_model"], cfg["n_heads"]
        dh = D // H
        cos = self.cos[positions].view(B, 1, T, dh // 2)
        sin = self.sin[positions].view(B, 1, T, dh // 2)
        x = F.embedding(tokens, w["embedding.weight"])
        for l in range(cfg["n_layers"]):
            p = f"layers.{l}."
            h = self.rms(x, w[p + "attn_norm.weight"])
            qkv = F.linear(h, w[p + "qkv.weight"]).view(B, T, 3, H, dh).permute(2, 0, 3, 1, 4)
            q, k, v = self.rotary(qkv[0], cos, sin), self.rotary(qkv[1], cos, sin), qkv[2]
            if cache is not None:
                L = cache["len"]
                cache["k"][l][:, :, L:L + T] = k
                cache["v"][l][:, :, L:L + T] = v
                k = cache["k"][l][:, :, :L + T]
                v = cache["v"][l][:, :, :L + T]
            s = torch.matmul(q, k.transpose(-2, -1)) / math.sqrt(dh) + bias
            a = torch.matmul(torch.softmax(s, -1), v)
            x = x + F.linear(a.transpose(1, 2).reshape(B, T, D), w[p + "out.weight"])
            h = self.rms(x, w[p + "mlp_norm.weight"])
            gu = F.linear(h, w[p + "gate_up.weight"])
            f = gu.shape[-1] // 2
            x = x + F.linear(F.silu(gu[..., :f]) * gu[..., f:], w[p + "down.weight"])
        if cache is not None:
            cache["len"] += T
        return F.linear(self.rms(x, w["final_norm.weight"]), w["head.weight"])


@torch.no_grad()
def generate(model, prompts, max_new, gen, ignore_eos=False, chunk=64):
    out = []
    cfg = model.cfg
    for c0 in range(0, len(prompts), chunk):
        rows = prompts[c0:c0 + chunk]
        B = len(rows)
        P = max(len(r) + 1 for r in rows)
        cap = P + max_new
        tokens = torch.full((B, P), PAD, dtype=torch.long)
        pad = torch.zeros(B, dtype=torch.long)
        for i, r in enumerate(rows):
            seq = [BOS] + r
            pad[i] = P - len(seq)
            tokens[i, P - len(seq):] = torch.tensor(seq)
        positions = (torch.arange(P).unsqueeze(0) - pad.unsqueeze(1)).clamp(min=0)
        keymask = torch.zeros(B, cap)
        keymask[torch.arange(cap).unsqueeze(0) < pad.unsqueeze(1)] = float("-inf")
        causal = torch.full((P, P), float("-inf")).triu(1)
        bias = causal.unsqueeze(0).unsqueeze(0) + keymask[:, None, None, :P]
        dh = cfg["d_model"] // cfg["n_heads"]
        cache = {"len": 0,
                 "k": [torch.empty(B, cfg["n_heads"], cap, dh) for _ in range(cfg["n_layers"])],
                 "v": [torch.empty(B, cfg["n_heads"], cap, dh) for _ in range(cfg["n_layers"])]}
        logits = model.forward(tokens, positions, bias, cache)[:, -1]
        active = torch.arange(B)
        done = [[] for _ in range(B)]
        lps = [[] for _ in range(B)]
        next_pos = positions[:, -1] + 1
        for step in range(max_new):
            probs = torch.softmax(logits, -1)
            tok = torch.multinomial(probs, 1, generator=gen).squeeze(1)
            lp = torch.log(probs.gather(1, tok.unsqueeze(1)).squeeze(1)).tolist()
            keep = []
            for j, i in enumerate(active.tolist()):
                done[i].append(int(tok[j]))
                lps[i].append(lp[j])
                if (ignore_eos or tok[j] != EOS) and step + 1 < max_new:
                    keep.append(j)
            if not keep:
                break
            keep = torch.tensor(keep)
            if len(keep) < len(active):
                active, tok, next_pos, keymask = active[keep], tok[keep], next_pos[keep], keymask[keep]
                cache["k"] = [k[keep] for k in cache["k"]]
                cache["v"] = [v[keep] for v in cache["v"]]
            S = cache["len"] + 1
            bias = keymask[:, None, None, :S]
            logits = model.forward(tok.unsqueeze(1), next_pos.unsqueeze(1), bias, cache)[:, -1]
            next_pos = next_pos + 1
        out.extend(zip(done, lps))
    return out


def response_logprobs(model, prompts, comps):
    B = len(prompts)
    C = max(len(c) for c in comps)
    L = max(1 + len(p) + len(c) for p, c in zip(prompts, comps))
    tokens = torch.full((B, L), PAD, dtype=torch.long)
    index = torch.zeros(B, C, dtype=torch.long)
    target = torch.zeros(B, C, dtype=torch.long)
    mask = torch.zeros(B, C)
    for i, (p, c) in enumerate(zip(prompts, comps)):
        seq = [BOS] + p + c
        tokens[i, :len(seq)] = torch.tensor(seq)
        first = 1 + len(p)
        index[i, :len(c)] = torch.arange(first - 1, first - 1 + len(c))
        target[i, :len(c)] = torch.tensor(c)
        mask[i, :len(c)] = 1
    positions = torch.arange(L).unsqueeze(0).expand(B, L)
    bias = torch.full((L, L), float("-inf")).triu(1)
    logits = model.forward(tokens, positions, bias)
    sel = logits.gather(1, index.unsqueeze(-1).expand(B, C, logits.shape[-1]))
    logp = sel.log_softmax(-1).gather(-1, target.unsqueeze(-1)).squeeze(-1) * mask
    return logp, mask


def grpo_advantages(scores, G):
    s = torch.tensor(scores).view(-1, G)
    a = (s - s.mean(1, keepdim=True)) / (s.std(1, keepdim=True) + 1e-6)
    return a.view(-1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--prompts", required=True)
    ap.add_argument("--steps", type=int, default=3)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--group", type=int, default=8)
    ap.add_argument("--max-new", type=int, default=64)
    ap.add_argument("--minibatch-prompts", type=int, default=4)
    ap.add_argument("--ignore-eos", action="store_true")
    args = ap.parse_args()
    torch_threads.use_threads(torch, args.threads)
    cfg = json.load(open(f"{args.model}/config.json"))
    weights = read_safetensors(f"{args.model}/model.safetensors")
    policy, reference = Model(cfg, weights), Model(cfg, weights)
    opt = torch.optim.AdamW(policy.params(), lr=1e-5, betas=(0.9, 0.999), weight_decay=0.01)
    prompts = [[int(t) for t in line.split()] for line in open(args.prompts) if line.strip()]
    gen = torch.Generator().manual_seed(1)
    G = args.group
    times = []
    for step in range(args.steps + 1):  # the first step warms up
        t0 = time.perf_counter()
        c0 = time.process_time()
        rows = [p for p in prompts for _ in range(G)]
        sampled = generate(policy, rows, args.max_new, gen, args.ignore_eos)
        comps = [c for c, _ in sampled]
        # A random model solves nothing: score rows by a parity rule so that groups differ.
        scores = [float(len(c) % 2) for c in comps]
        t1 = time.perf_counter()
        # Old log-probs come from the sampler (as in the C++ trainer's default);
        # the reference needs one forward pass.
        C = max(len(c) for c in comps)
        old_logp = torch.zeros(len(comps), C)
        mask = torch.zeros(len(comps), C)
        for i, (c, lp) in enumerate(sampled):
            old_logp[i, :len(c)] = torch.tensor(lp)
            mask[i, :len(c)] = 1
        with torch.no_grad():
            ref_logp, _ = response_logprobs(reference, rows, comps)
        t2 = time.perf_counter()
        adv = grpo_advantages(scores, G).unsqueeze(1) * mask
        order = torch.randperm(len(prompts), generator=gen).tolist()
        mb = args.minibatch_prompts
        for s in range(0, len(order), mb):
            idx = [g * G + j for g in order[s:s + mb] for j in range(G)]
            logp, m = response_logprobs(policy, [rows[i] for i in idx], [comps[i] for i in idx])
            W = logp.shape[1]
            it = torch.tensor(idx)
            a, old, ref = adv[it, :W], old_logp[it, :W], ref_logp[it, :W]
            ratio = torch.exp((logp - old).clamp(-20, 20))
            l1, l2 = -a * ratio, -a * ratio.clamp(0.8, 1.2)
            clipped = torch.maximum(l1, l2)
            loss_t = torch.where(a < 0, torch.minimum(-a * 3.0, clipped), clipped)
            x = (ref - logp).clamp(-20, 20)
            kl = (x.exp() - x - 1).clamp(-10, 10)
            loss = (loss_t * m).sum() / m.sum() + 0.001 * (kl * m).sum() / m.sum()
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(policy.params(), 1.0)
            opt.step()
        t3 = time.perf_counter()
        if step > 0:
            times.append({"sample": t1 - t0, "score": t2 - t1, "update": t3 - t2, "cpu": time.process_time() - c0,
                          "tokens": sum(len(c) for c in comps)})
    n = len(times)
    print(json.dumps({k: sum(t[k] for t in times) / n for k in ("sample", "score", "update", "cpu", "tokens")}))


if __name__ == "__main__":
    main()
