"""Using a finished run: predict, generate, complete, translate, encode and reconstruct, for arrays, files and
run directories."""
