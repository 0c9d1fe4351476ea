#!/usr/bin/env python3
"""Runs one DDL training step and one scoring pass with the PyTorch reference
(shared/tools/torch_ddl.py, imported from the directory given as --reference) on
a checkpoint and inputs written by tests/test-model.c, and writes what PyTorch
computes (losses, reconstructions, every parameter gradient, the gradient of l,
the updated BN running statistics, frame scores) for the C test to compare.

  torch-parity.py --reference DIR --model M.safetensors --inputs IN.safetensors \
                  --output OUT.safetensors --mode ddl|sdl|baseline [--static-weight W]

The checkpoint is loaded with load_state_dict(strict=True) after dropping the
keys that are not part of the network (optimizer.*, pseudo_anomaly_creator.*).
"""
import argparse, json, math, struct, sys
import numpy as np


def read_safetensors(path):
    with open(path, 'rb') as f:
        data = f.read()
    (n,) = struct.unpack('<Q', data[:8])
    header = json.loads(data[8:8 + n])
    meta = header.pop('__metadata__', {})
    base = 8 + n
    out = {}
    for name, e in header.items():
        dt = {'F32': np.float32, 'I64': np.int64}[e['dtype']]
        b, en = e['data_offsets']
        out[name] = np.frombuffer(data[base + b: base + en], dtype=dt).reshape(e['shape']).copy()
    return out, meta


def write_safetensors(path, tensors):
    header, blobs, off = {}, [], 0
    for name, a in tensors.items():
        a = np.ascontiguousarray(a)
        dt = {np.dtype(np.float32): 'F32', np.dtype(np.int64): 'I64'}[a.dtype]
        raw = a.tobytes()
        header[name] = {'dtype': dt, 'shape': list(a.shape), 'data_offsets': [off, off + len(raw)]}
        blobs.append(raw)
        off += len(raw)
    h = json.dumps(header).encode()
    h += b' ' * ((8 - len(h) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(h)))
        f.write(h)
        for raw in blobs:
            f.write(raw)


def frame_scores(x_mid, rec, patch, divisor):
    """The reference scoring: per-pixel channel L2 / divisor, 16x16 (patch) means on
    the outer grid and on the grid offset by patch/2, maximum."""
    import torch
    err = torch.norm(x_mid - rec, dim=1) / divisor              # (B, H, W)
    b, h, w = err.shape
    outer = err[:, :h // patch * patch, :w // patch * patch]
    outer = outer.reshape(b, h // patch, patch, w // patch, patch).mean(dim=(2, 4))
    half = patch // 2
    inner = err[:, half:h - half, half:w - half]
    hi, wi = (h - patch) // patch, (w - patch) // patch
    inner = inner[:, :hi * patch, :wi * patch].reshape(b, hi, patch, wi, patch).mean(dim=(2, 4))
    return torch.maximum(outer.reshape(b, -1).max(1).values, inner.reshape(b, -1).max(1).values)


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--reference', required=True)
    p.add_argument('--model', required=True)
    p.add_argument('--inputs', required=True)
    p.add_argument('--output', required=True)
    p.add_argument('--mode', default='ddl', choices=['ddl', 'sdl', 'baseline'])
    p.add_argument('--static-weight', type=float, default=0.5)
    p.add_argument('--patch', type=int, default=16)
    a = p.parse_args()

    sys.path.insert(0, a.reference)
    import torch
    import torch_ddl
    torch.set_num_threads(2)
    torch.set_default_dtype(torch.float32)

    sd, meta = read_safetensors(a.model)
    inputs, _ = read_safetensors(a.inputs)
    arch = meta.get('arch', 'c3dsu')
    latent, channels, temporal = int(meta['latent']), int(meta['channels']), int(meta['temporal'])
    Model = torch_ddl.Conv3dSkipUNet if arch == 'c3dsu' else torch_ddl.UNet
    model = Model(latent, channels, temporal)
    net = {k: torch.from_numpy(v) for k, v in sd.items()
           if not k.startswith('optimizer.') and not k.startswith('pseudo_anomaly_creator.')}
    model.load_state_dict(net, strict=True)   # raises on any missing or unexpected key
    pac = torch_ddl.PseudoAnomalyCreator()
    with torch.no_grad():
        pac.anomaly_weight.copy_(torch.from_numpy(sd['pseudo_anomaly_creator.anomaly_weight']))
    if a.mode != 'ddl':
        pac.anomaly_weight.requires_grad_(False)

    x = torch.from_numpy(inputs['x'])            # (B, C, T, H, W)
    mask = torch.from_numpy(inputs['mask'])      # (B, T, H, W)
    noise = torch.from_numpy(inputs['noise'])    # (B, C, T, H, W)
    mask_c = mask.unsqueeze(1).expand_as(x)

    out = {}
    # Scoring first, in eval mode with the checkpoint's running statistics.
    model.eval()
    with torch.no_grad():
        rec = model(x)
        t = (x.shape[2] - 1) // 2
        divisor = 3 ** 0.5 if meta.get('score_divisor') == 'sqrt3' else channels ** 0.5
        out['scores'] = frame_scores(x[:, :, t], rec, a.patch, divisor).numpy()
        out['rec_eval'] = rec.numpy()

    model.train()
    if a.mode == 'baseline':
        rec_n = model(x)
        t = (x.shape[2] - 1) // 2
        recon = torch.norm(x[:, :, t] - rec_n, dim=1).mean() / x.shape[1] ** 0.5
        loss, dist = recon, torch.zeros(())
    else:
        w = torch.sigmoid(pac.anomaly_weight) if a.mode == 'ddl' else \
            torch.tensor([a.static_weight])
        xa_bar = (1 - w) * x + w * noise
        xa = (1 - mask_c) * x + mask_c * xa_bar
        rec_n = model(x)
        rec_a = model(xa)
        loss, recon, dist = torch_ddl.pseudo_loss(x, xa, rec_n, rec_a, mask_c)
        out['rec_a'] = rec_a.detach().numpy()
    loss.backward()
    out['loss'] = np.array([recon.item(), dist.item(), loss.item()], dtype=np.float32)
    out['rec_n'] = rec_n.detach().numpy()
    for name, prm in model.named_parameters():
        out['grad.' + name] = prm.grad.numpy() if prm.grad is not None else np.zeros_like(prm.detach().numpy())
    if a.mode == 'ddl':
        out['grad.pseudo_anomaly_creator.anomaly_weight'] = pac.anomaly_weight.grad.numpy()
    for name, buf in model.named_buffers():
        if buf.dtype == torch.float32:
            out['state.' + name] = buf.numpy()

    write_safetensors(a.output, out)


if __name__ == '__main__':
    main()
