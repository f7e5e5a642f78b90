"""classicnets: the classic neural networks, trained, evaluated, plotted, saved and served."""

import os

# TensorFlow turns its oneDNN CPU kernels on by default only for CPUs with AVX-512 VNNI/BF16 or AMX. On
# AVX2 CPUs they train the CNN 1.3-1.7x faster (bench/README.md, "Training speed"), so classicnets asks for them
# unless the user chose otherwise (TF_ENABLE_ONEDNN_OPTS=0). It only matters before TensorFlow is imported.
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")

__version__ = "0.1.0"
