"""PyTorch baseline for bench:train: samples/s of the same models, 2 threads. Prints one number."""
import sys
import time

import torch

torch.set_num_threads(2)
name, batch = sys.argv[1], int(sys.argv[2])
if name == "mlp":
    model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
    steps = 300
else:
    model = torch.nn.Sequential(
        torch.nn.Conv2d(1, 32, 3), torch.nn.ReLU(), torch.nn.Conv2d(32, 64, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(9216, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
    steps = 30
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
x = torch.randn(batch, 1, 28, 28)
y = torch.randint(0, 10, (batch,))
for i in range(steps + 3):
    if i == 3:
        start = time.perf_counter()
    optimizer.zero_grad()
    torch.nn.functional.cross_entropy(model(x), y).backward()
    optimizer.step()
print(steps * batch / (time.perf_counter() - start))
