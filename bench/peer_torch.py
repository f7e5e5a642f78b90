"""classicnets' classifiers in PyTorch with an idiomatic loop (DataLoader over a TensorDataset, Adam, a per-step
learning-rate schedule, test accuracy after each epoch): the PyTorch side of bench/time_to_accuracy.py.

    python bench/peer_torch.py mlp --target 0.89 --epochs 20 [--options '{"hidden": [256, 256]}'] [--schedule cosine]
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

import fashion_idx
from peer_common import parse, report


def network(model: str, options: dict) -> nn.Module:
    """The network classicnets builds for `model` with `options` (its defaults where an option is absent)."""
    if model == "softmax":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
    if model == "mlp":
        layers, width = [nn.Flatten()], 784
        for size in options.get("hidden", (256, 256)):
            layers += [nn.Linear(width, size, bias=not options.get("batch_norm", False))]
            layers += [nn.BatchNorm1d(size)] if options.get("batch_norm", False) else []
            layers += [nn.ReLU(), nn.Dropout(options.get("dropout", 0.2))]
            width = size
        return nn.Sequential(*layers, nn.Linear(width, 10))
    if model == "cnn":
        layers, channels, side = [], 1, 28
        for count in options.get("filters", (32, 64)):
            layers += [nn.Conv2d(channels, count, options.get("kernel_size", 3), padding="same",
                                 bias=not options.get("batch_norm", False))]
            layers += [nn.BatchNorm2d(count)] if options.get("batch_norm", False) else []
            layers += [nn.ReLU(), nn.MaxPool2d(2, ceil_mode=True)]
            channels, side = count, (side + 1) // 2
        dense = options.get("dense", 256)
        layers += [nn.Flatten(), nn.Linear(channels * side * side, dense), nn.ReLU(),
                   nn.Dropout(options.get("dropout", 0.5)), nn.Linear(dense, 10)]
        return nn.Sequential(*layers)
    return Recurrent(options)


class Recurrent(nn.Module):
    """Image rows as time steps; classify from the last step's output."""

    def __init__(self, options: dict) -> None:
        super().__init__()
        cell = {"lstm": nn.LSTM, "gru": nn.GRU, "simple": nn.RNN}[options.get("cell", "lstm")]
        units = options.get("units", 128)
        self.rnn = cell(28, units, num_layers=options.get("layers", 1), batch_first=True)
        self.head = nn.Sequential(nn.Dropout(options.get("dropout", 0.0)), nn.Linear(units, 10))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        outputs, _ = self.rnn(x.squeeze(1))
        return self.head(outputs[:, -1])


def main() -> None:
    args = parse(__doc__)
    torch.manual_seed(args.seed)
    if args.threads:
        torch.set_num_threads(args.threads)
    x_train, y_train, x_test, y_test = fashion_idx.load()
    x_train, y_train = fashion_idx.held_out(x_train, y_train, args.validation_fraction, args.seed)
    as_images = lambda x: torch.from_numpy(x.astype(np.float32) / 255).unsqueeze(1)  # (N, 1, 28, 28)
    train = torch.utils.data.TensorDataset(as_images(x_train), torch.from_numpy(y_train))
    loader = torch.utils.data.DataLoader(train, batch_size=args.batch_size, shuffle=True,
                                         generator=torch.Generator().manual_seed(args.seed))
    test_images, test_labels = as_images(x_test), torch.from_numpy(y_test)
    model = network(args.model, args.options)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    total = args.epochs * len(loader)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: fashion_idx.learning_rate_at(
        step, 1.0, total, args.schedule))
    loss_function = nn.CrossEntropyLoss()
    for epoch in range(1, args.epochs + 1):
        model.train()
        for x, y in loader:
            optimizer.zero_grad()
            loss_function(model(x), y).backward()
            optimizer.step()
            scheduler.step()
        model.eval()
        with torch.no_grad():
            predicted = torch.cat([model(chunk).argmax(1) for chunk in test_images.split(1000)])
        accuracy = float((predicted == test_labels).float().mean())
        report(epoch, accuracy)
        if accuracy >= args.target:
            break


if __name__ == "__main__":
    main()
