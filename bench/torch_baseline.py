"""PyTorch baseline for bench:train: the same models on 2 threads.

Prints samples/s over the timed steps, CPU seconds per sample, and the median step in seconds.
"""
import sys
import time

import torch

torch.set_num_threads(2)
name, batch, steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
if name == "mlp":
    model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
else:
    model = torch.nn.Sequential(
        torch.nn.Conv2d(1, 32, 3), torch.nn.ReLU(), torch.nn.Conv2d(32, 64, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(9216, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
x = torch.randn(batch, 1, 28, 28)
y = torch.randint(0, 10, (batch,))
warmup = 5
times = []
for i in range(steps + warmup):
    if i == warmup:
        start, cpu = time.perf_counter(), time.process_time()
    t = time.perf_counter()
    optimizer.zero_grad()
    torch.nn.functional.cross_entropy(model(x), y).backward()
    optimizer.step()
    if i >= warmup:
        times.append(time.perf_counter() - t)
wall, cpu = time.perf_counter() - start, time.process_time() - cpu
times.sort()
print(steps * batch / wall, cpu / (steps * batch), times[len(times) // 2])
