#!/usr/bin/env python3
"""Latency (p50/p99) against offered rate for chat; plain SVG. Usage: plot.py out.svg json..."""
import json, sys, math
out = sys.argv[1]
pts = {}
for f in sys.argv[2:]:
  r0 = json.load(open(f))
  for r in ([r0['engine'], r0['naive']] if 'naive' in r0 and 'engine' in r0 else [r0]):
    mode = r.get('rlsMode', 'engine')
    rate = r['parameters']['rate']
    lat = r.get('latency') or {}
    d = r.get('deliveries') or {}
    pts.setdefault(mode, []).append((rate, lat.get('p50Ms'), lat.get('p99Ms'), r['status'], d.get('perSecond')))
W, H, L, R, T, B = 720, 420, 70, 170, 30, 55
xs = [p[0] for v in pts.values() for p in v]
ys = [y for v in pts.values() for p in v for y in (p[1], p[2]) if y]
x0, x1 = math.log10(min(xs) / 1.5), math.log10(max(xs) * 1.5)
y0, y1 = math.log10(max(min(ys) / 2, 0.5)), math.log10(max(ys) * 2)
X = lambda v: L + (math.log10(v) - x0) / (x1 - x0) * (W - L - R)
Y = lambda v: H - B - (math.log10(v) - y0) / (y1 - y0) * (H - T - B)
s = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">',
     f'<rect width="{W}" height="{H}" fill="white"/>',
     f'<text x="{L}" y="18" font-size="14">chat, 5,000 clients in rooms of 50: commit-to-receive latency vs rate</text>']
for e in range(-1, 6):
    for m in (1, 2, 5):
        v = m * 10 ** e
        if y0 <= math.log10(v) <= y1:
            s.append(f'<line x1="{L}" x2="{W-R}" y1="{Y(v):.1f}" y2="{Y(v):.1f}" stroke="#ddd"/>')
            s.append(f'<text x="{L-6}" y="{Y(v)+4:.1f}" text-anchor="end">{v:g}</text>')
        if x0 <= math.log10(v) <= x1:
            s.append(f'<line y1="{T}" y2="{H-B}" x1="{X(v):.1f}" x2="{X(v):.1f}" stroke="#ddd"/>')
            s.append(f'<text y="{H-B+16}" x="{X(v):.1f}" text-anchor="middle">{v:g}</text>')
s.append(f'<text x="{(L+W-R)/2}" y="{H-12}" text-anchor="middle">messages/s written (x50 = deliveries/s), log scale</text>')
s.append(f'<text transform="translate(16,{(T+H-B)/2}) rotate(-90)" text-anchor="middle">latency ms, log scale</text>')
if y0 <= 2 <= y1:
    s.append(f'<line x1="{L}" x2="{W-R}" y1="{Y(100):.1f}" y2="{Y(100):.1f}" stroke="#c00" stroke-dasharray="4 3"/>'
             f'<text x="{W-R+4}" y="{Y(100)+4:.1f}" fill="#c00">100 ms target</text>')
colors = {'engine': '#1f5fbf', 'naive': '#d07000'}
ly = T + 40
for mode, v in sorted(pts.items()):
    v.sort()
    c = colors.get(mode, 'black')
    for idx, dash, name in ((2, '', 'p99'), (1, '5 4', 'p50')):
        q = [(X(p[0]), Y(p[idx])) for p in v if p[idx]]
        s.append('<polyline fill="none" stroke="%s" stroke-width="2" %s points="%s"/>' % (
            c, f'stroke-dasharray="{dash}"' if dash else '', ' '.join(f'{a:.1f},{b:.1f}' for a, b in q)))
        for (a, b), p in zip(q, [p for p in v if p[idx]]):
            fill = c if p[3] == 'PASS' else 'white'
            s.append(f'<circle cx="{a:.1f}" cy="{b:.1f}" r="4" fill="{fill}" stroke="{c}" stroke-width="2"/>')
        da = ('stroke-dasharray="%s"' % dash) if dash else ''
        s.append(f'<line x1="{W-R+10}" x2="{W-R+40}" y1="{ly}" y2="{ly}" stroke="{c}" stroke-width="2" {da}/>'
                 f'<text x="{W-R+46}" y="{ly+4}">{mode} {name}</text>')
        ly += 20
s.append(f'<text x="{W-R+10}" y="{ly+10}">filled = PASS</text><text x="{W-R+10}" y="{ly+26}">hollow = FAIL</text>')
s.append('</svg>')
open(out, 'w').write('\n'.join(s) + '\n')
