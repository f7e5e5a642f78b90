"""`classicnets cache`: where the decoded images of image folders are kept, how big they are, and clearing them."""

from __future__ import annotations

import argparse
import json
from typing import Any

from classicnets.cli.common import HelpFormatter

EXAMPLES = """examples:
  classicnets cache            # the caches: folder, images, size, place
  classicnets cache --clear    # remove them all (the next run decodes its folder again)
  CLASSICNETS_CACHE=/big/disk/cache classicnets train cnn --dataset ./photos --image-size 96 --color rgb
"""


def add_parser(subparsers: Any) -> None:
    """Register `cache`."""
    parser = subparsers.add_parser(
        "cache", help="list or clear the decoded images of image folders", epilog=EXAMPLES,
        formatter_class=HelpFormatter,
        description="An image folder is decoded once per image size and colour into $CLASSICNETS_CACHE/images "
                    "(default ~/.cache/classicnets/images); later runs read it from there. A folder whose files "
                    "change gets a new cache and its old one is removed.")
    parser.add_argument("--clear", action="store_true", help="remove every cache of decoded images")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """List the caches, or clear them."""
    from classicnets.data.image_cache import clear_caches, images_home, list_caches

    if args.clear:
        removed, freed = clear_caches()
        result = {"removed": removed, "mib_freed": round(freed / 2**20, 1), "where": str(images_home())}
        print(json.dumps(result) if args.json else
              f"removed {removed} cache(s) of decoded images ({result['mib_freed']:,} MiB) from {images_home()}")
        return 0
    rows = list_caches()
    if args.json:
        print(json.dumps({"where": str(images_home()), "caches": rows}, indent=2))
        return 0
    print(f"decoded images are kept in {images_home()} (set CLASSICNETS_CACHE to move them)")
    for row in rows:
        height, width = row["image_size"]
        bad = f", {row['bad_images']} unreadable" if row["bad_images"] else ""
        print(f"  {row['folder']}: {row['images']:,} images at {height}x{width}x{row['channels']}{bad}, "
              f"{row['mib']:,} MiB in {row['where']}")
    if not rows:
        print("  none yet")
    return 0
