"""PyTorch CPU reference for bench/speed.py: the same networks, Adam, batch size and epochs, trained with
an idiomatic loop (DataLoader over a TensorDataset, shuffle each epoch)."""

from __future__ import annotations

import time

import numpy as np
import torch
from torch import nn


def network(name: str) -> nn.Module:
    """The network classicnets builds for this benchmark, in PyTorch layers (NCHW images)."""
    if name == "mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(),
                             nn.Linear(256, 10))
    if name == "cnn":
        return nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                             nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                             nn.Linear(64 * 7 * 7, 256), nn.ReLU(), nn.Dropout(0.5), nn.Linear(256, 10))
    if name == "autoencoder":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(),
                             nn.Linear(128, 256), nn.ReLU(), nn.Linear(256, 784), nn.Sigmoid())
    raise ValueError(f"no PyTorch reference for {name!r}")


def train(name: str, data, epochs: int, batch: int, learning_rate: float, seed: int = 0) -> dict:
    """Train, then measure the test metric; returns samples/s, seconds and test_accuracy or test_mse."""
    torch.manual_seed(seed)
    model = network(name)
    x_train = torch.from_numpy(data.x_train.astype(np.float32) / 255).permute(0, 3, 1, 2).contiguous()
    autoencoder = name == "autoencoder"
    targets = x_train.flatten(1) if autoencoder else torch.from_numpy(data.y_train.astype(np.int64))
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x_train, targets), batch_size=batch,
                                         shuffle=True)
    loss_function = nn.MSELoss() if autoencoder else nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
    started = time.perf_counter()
    model.train()
    epoch_seconds = []
    for _ in range(epochs):
        epoch_started = time.perf_counter()
        for x, y in loader:
            optimizer.zero_grad()
            loss = loss_function(model(x), y)
            loss.backward()
            optimizer.step()
        epoch_seconds.append(time.perf_counter() - epoch_started)
    seconds = time.perf_counter() - started
    return {"samples_per_second": len(x_train) * epochs / seconds, "seconds": seconds, "epoch_seconds": epoch_seconds,
            **test(model, data, autoencoder)}


@torch.no_grad()
def test(model: nn.Module, data, autoencoder: bool) -> dict:
    """Test accuracy or per-pixel MSE, in eval mode (dropout off)."""
    model.eval()
    x_test = torch.from_numpy(data.x_test.astype(np.float32) / 255).permute(0, 3, 1, 2).contiguous()
    output = torch.cat([model(chunk) for chunk in x_test.split(1024)])
    if autoencoder:
        return {"test_mse": float(((output - x_test.flatten(1)) ** 2).mean())}
    return {"test_accuracy": float((output.argmax(1).numpy() == data.y_test).mean())}
