#!/usr/bin/env python3
"""A model of the charge-ratio loop (worker/src/main/resources/dev/sluice/worker/budget/observe.lua), used to choose
its rules before measuring them with ./sluice bench drain. Not Sluice: a few lines of arithmetic that ran in seconds
where a bench row takes minutes. It models one worker sending at its budget's refill rate (always waiting for
tokens), an upstream bucket of `window` seconds of the limit that starts `fill` full and charges `rho` times what
Sluice reserves, answers `latency` seconds later carrying the upstream's remaining tokens, and the rules below.

    python3 docs/benchmarks/charge-ratio-model.py

prints, per rule set, the lowest and highest utilisation over 55 s windows of the steady state (as ./sluice bench
drain measures it), for 1 s, 10 s and 60 s windows, buckets starting full or 20 % full, and an upstream charging
0.971, 1 and 1.03 times the reservation. It does not model 429s (answers with headers only) or several workers."""
import math


def run(rules, window, fill, rho, limit=300000, latency=0.2, seconds=660, start=None, reserved=340.0):
    dt = 0.01
    capacity = limit * window / 60.0
    upstream = capacity * fill
    burst = limit / 60.0  # UPSTREAM_BURST = 1 s
    tokens = burst
    ratio = 1.0
    state = {}
    pending = []
    charged = []
    t = 0.0
    while t < seconds:
        upstream = min(capacity, upstream + limit / 60.0 * dt)
        tokens = min(burst, tokens + limit / 60.0 * dt)
        while tokens >= reserved * ratio:
            tokens -= reserved * ratio
            if upstream >= rho * reserved:
                upstream -= rho * reserved
                charged.append((t, rho * reserved))
            pending.append((t + latency, upstream * 60.0 / window))
        while pending and pending[0][0] <= t:
            _, remaining = pending.pop(0)
            share = min(1.0, max(0.0, remaining / limit))
            tokens = min(tokens, burst * share)
            ratio = rules(state, share, t, ratio)
        t += dt
    start = start if start is not None else (130 if window == 60 and fill == 1 else 82)
    utilisations = []
    for begin in range(start, int(seconds) - 60, 10):
        spent = sum(c for (at, c) in charged if begin <= at < begin + 55)
        utilisations.append(spent / (limit / 60.0 * 55))
    return min(utilisations), max(utilisations)


def smooth(state, share, t):
    if 'at' not in state:
        state.update(fast=share, slow=share, long=share, top=share, at=t)
        return 0.0
    d = min(2.0, max(0.0, t - state['at']))
    state['fast'] += (1 - math.exp(-d / 2)) * (share - state['fast'])
    state['slow'] += (1 - math.exp(-d / 10)) * (share - state['slow'])
    state['long'] += (1 - math.exp(-d / 60)) * (share - state['long'])
    state['top'] = max(state['top'], state['fast'])
    state['at'] = t
    return d


def short_windows_only(state, share, t, ratio):
    """The rules before the minute's share (3005ed0)."""
    d = smooth(state, share, t)
    if d > 0:
        if state['fast'] >= 0.97 or state['fast'] > state['slow'] + 0.02:
            ratio *= math.exp(-0.01 * d)
        elif state['fast'] < state['slow'] - 0.02:
            ratio *= math.exp(0.02 * d)
    return min(2, max(0.5, ratio))


def with_minute_share(short_speed, minute_speed, still_moving, top_at_least):
    """The rules with the minute's share: the short rules at `short_speed` (shrinking; growing twice that), the
    minute's at `minute_speed`, only while the 2 s share still moves the same way if `still_moving`, and "full" from
    the highest share seen once that is at least `top_at_least`."""
    def rules(state, share, t, ratio):
        d = smooth(state, share, t)
        if d > 0:
            full = min(0.97, state['top'] - 0.005) if state['top'] >= top_at_least else 0.97
            falling = state['fast'] < state['slow'] or not still_moving
            rising = state['fast'] > state['slow'] or (not still_moving and state['fast'] >= state['slow'])
            if state['fast'] >= full or state['fast'] > state['slow'] + 0.02:
                ratio *= math.exp(-short_speed * d)
            elif state['fast'] < state['slow'] - 0.02:
                ratio *= math.exp(2 * short_speed * d)
            elif state['slow'] < state['long'] - 0.003 and falling:
                ratio *= math.exp(minute_speed * d)
            elif state['slow'] > state['long'] + 0.003 and rising:
                ratio *= math.exp(-minute_speed * d)
        return min(2, max(0.5, ratio))
    return rules


# fbec74b and 950d452: no "still moving" condition, 0.2 % a second
minute_share_first_try = with_minute_share(0.01, 0.002, still_moving=False, top_at_least=0)
# 365d888: the minute's rule only while the 2 s share still moves the same way, 0.1 % a second
still_moving = with_minute_share(0.01, 0.001, still_moving=True, top_at_least=0.5)
# observe.lua as it is now: the short rules at half speed
as_built = with_minute_share(0.005, 0.001, still_moving=True, top_at_least=0.5)


if __name__ == '__main__':
    cases = [(w, fill, rho, 300000) for w in (1, 10, 60) for fill in (1, 0.2) for rho in (330 / 340, 1.0, 1.03)]
    cases += [(10, 1, 330 / 340, 60000), (1, 1, 330 / 340, 60000)]
    print('window  fill   rho    tpm      ' + '  '.join(f'{name:>24}' for name in
          ('short windows only', 'minute, first try', 'still moving', 'as built')))
    for window, fill, rho, limit in cases:
        cells = []
        for rules in (short_windows_only, minute_share_first_try, still_moving, as_built):
            low, high = run(rules, window, fill, rho, limit=limit)
            cells.append(f'{low * 100:10.1f} % to {high * 100:5.1f} %')
        print(f'{window:4} s  {fill:4}  {rho:5.3f}  {limit:7}  ' + '  '.join(cells))
