#!/usr/bin/python3
"""An edited checkpoint is refused like a damaged one, and a restart from a
series falls back to the good checkpoint before it.

1. Edits made with h5py to a real checkpoint, each of which the per-dataset
   checksums alone let through: the step, the box, a mass, the deck
   position, the deck text; position and velocity swapped (each with its own
   checksum); a dataset renamed, a group renamed, an attribute deleted, one
   added, the digest deleted, an older format version. `-restart FILE`
   refuses each, exit 2, with a message naming the file and the group that
   changed (on 1 rank and on 3).
2. A forged digest (recomputed here as mgmd computes it, so the file passes
   the digest): first unchanged (accepted: this digest is mgmd's), then with
   edits that leave the file inconsistent, each refused by the cross-checks
   naming what disagrees: the step against the clock, the atom count against
   the datasets, the masses against the type count, the box against the
   positions, the deck position against the recorded statements.
3. A series whose newest checkpoint was edited: `-restart PREFIX` skips it
   with a warning, continues from the one before and ends with the thermo
   CSV byte-identical to the uninterrupted run (on 1 and on 3 ranks)."""
import os
import shutil
import struct
import tempfile

import h5py
import numpy as np

from ckcommon import Checker, checkpoints, deck, mt, read_bytes

check = Checker()
text = deck("nvt temp 1500 K tdamp 0.1 ps", 120, 40)
M64 = (1 << 64) - 1


# ---- the digest, as src/io/checkpoint.c computes it -------------------------

def mix64(z):
    z = (z + 0x9E3779B97F4A7C15) & M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def hash_words(h, data):
    for k in range(0, len(data), 8):
        chunk = data[k:k + 8]
        w = int.from_bytes(chunk, "little")
        if len(chunk) < 8:
            w |= len(chunk) << 56
        h[0] = ((h[0] ^ w) * 1099511628211) & M64
        h[1] = ((h[1] + w) * 0xFF51AFD7ED558CCD) & M64
        h[1] ^= h[1] >> 31


def type_desc(t):
    c = t.get_class()
    return [c, t.get_size(), t.get_sign() if c == h5py.h5t.INTEGER else -1, 0]


def space_desc(sp):
    dims = sp.shape
    return [sp.get_simple_extent_type(), len(dims), *dims]


def raw(obj_read, t, sp):
    """The bytes as mgmd reads them: native numbers, strings as stored."""
    c = t.get_class()
    shape = sp.shape
    if c == h5py.h5t.STRING:
        buf = np.empty(shape, dtype=f"S{t.get_size()}")
    else:
        buf = np.empty(shape, dtype=t.dtype.newbyteorder("="))
    obj_read(buf)
    return buf.tobytes()


def forge_digest(path):
    """Recompute and store the digest of a (edited) checkpoint."""
    parts = {}

    def item(kind, p, name, t, sp, data):
        head = bytes([ord(kind)]) + p.encode() + b"\0" + name.encode() + b"\0"
        d = (type_desc(t) if t is not None else []) + (space_desc(sp) if sp is not None else []) + [len(data)]
        head += struct.pack(f"<{len(d)}q", *d)
        h = [1469598103934665603, 0x6A09E667F3BCC908]
        hash_words(h, head)
        hash_words(h, data)
        top = "/" + p.split("/")[1] if p != "/" else "/"
        s = parts.setdefault(top, [0, 0])
        s[0] = (s[0] + mix64(h[0])) & M64
        s[1] = (s[1] + mix64(h[1] ^ 0x3C6EF372FE94F82B)) & M64

    def attrs(obj, p):
        for name in obj.attrs:
            if p == "/" and name == "digest":
                continue
            a = h5py.h5a.open(obj.id, name.encode())
            t, sp = a.get_type(), a.get_space()
            item("a", p, name, t, sp, raw(a.read, t, sp))

    with h5py.File(path, "r+") as f:
        attrs(f, "/")

        def visit(name, obj):
            p = "/" + name
            if isinstance(obj, h5py.Group):
                item("G", p, "", None, None, b"")
            else:
                t, sp = obj.id.get_type(), obj.id.get_space()
                if p.startswith("/atoms/"):
                    item("A", p, "", t, sp, b"")
                else:
                    item("D", p, "", t, sp, raw(lambda b: obj.id.read(h5py.h5s.ALL, h5py.h5s.ALL, b), t, sp))
            attrs(obj, p)

        f.visititems(visit)
        textd = "".join(f"{k} {v[0]:016x} {v[1]:016x}\n" for k, v in parts.items())
        del f.attrs["digest"]
        f.attrs.create("digest", np.bytes_(textd), dtype=f"S{len(textd) + 1}")


def set_text(f, name, value):
    """Replace a string dataset as mgmd writes it (fixed-length, scalar)."""
    del f[name]
    b = value.encode()
    f.create_dataset(name, data=np.bytes_(b), dtype=f"S{len(b) + 1}")


# ---- the edits ---------------------------------------------------------------

def edit_step(f):
    f["state"].attrs["step"] = np.int64(f["state"].attrs["step"] + 1)


def edit_box(f):
    f["box"].attrs["hi"] = f["box"].attrs["hi"] * 1.001


def edit_mass(f):
    m = f["types"].attrs["mass"]
    m[0] *= 1.01
    f["types"].attrs["mass"] = m


def edit_position(f):
    f["deck"].attrs["done"] = np.int64(f["deck"].attrs["done"] - 1)


def edit_deck_text(f):
    set_text(f, "deck/text", f["deck/text"][()].decode().replace("1500 K", "1600 K"))


def swap_x_v(f):
    f.move("atoms/position", "atoms/tmp")
    f.move("atoms/velocity", "atoms/position")
    f.move("atoms/tmp", "atoms/velocity")


def rename_dataset(f):
    f.move("atoms/mask", "atoms/groups")


def rename_group(f):
    f.move("potential", "potential_old")


def delete_attr(f):
    del f["state"].attrs["dt"]


def add_attr(f):
    f.attrs["note"] = "edited"


def delete_digest(f):
    del f.attrs["digest"]


def version_3(f):
    f.attrs["format_version"] = np.int64(3)


EDITS = [
    ("step attribute edited", edit_step, "/state does not match the digest"),
    ("box edited", edit_box, "/box does not match the digest"),
    ("a mass edited", edit_mass, "/types does not match the digest"),
    ("deck position edited", edit_position, "/deck does not match the digest"),
    ("deck text edited", edit_deck_text, "/deck does not match the digest"),
    ("atoms/position and atoms/velocity swapped", swap_x_v, "/atoms does not match the digest"),
    ("atoms/mask renamed", rename_dataset, "/atoms does not match the digest"),
    ("/potential renamed", rename_group, "/potential is gone"),
    ("/state dt deleted", delete_attr, "/state does not match the digest"),
    ("a root attribute added", add_attr, "/ does not match the digest"),
    ("the digest deleted", delete_digest, "has no digest"),
    ("format version 3", version_3, "format version 3; this mgmd reads version 4"),
]


# Edits that the digest is forged over: the cross-checks must refuse them.
def forged_step(f):
    edit_step(f)  # the clock: time is run_t0 + done * dt, step not


def forged_time(f):
    f["state"].attrs["time"] = f["state"].attrs["time"] + 0.5


def forged_natoms(f):
    f["state"].attrs["natoms"] = np.int64(f["state"].attrs["natoms"] - 1)


def forged_masses(f):
    f["types"].attrs["mass"] = np.append(f["types"].attrs["mass"], 12.0)


def forged_box(f):
    lo, hi = f["box"].attrs["lo"], f["box"].attrs["hi"]
    f["box"].attrs["hi"] = lo + 0.5 * (hi - lo)


def forged_command(f):
    f["deck"].attrs["command"] = np.int64(10 ** 6)


def forged_lo_hi(f):
    f["box"].attrs["hi"] = f["box"].attrs["lo"].copy()


FORGED = [
    ("time edited", forged_time, "the clock disagrees with the deck position"),
    ("natoms edited", forged_natoms, "atoms (/state natoms) but atoms/id has"),
    ("a mass added", forged_masses, "has 3 masses for ntypes = 2"),
    ("box halved", forged_box, "is outside the box"),
    ("box of zero length", forged_lo_hi, "the box is not a box"),
    ("deck position past the last statement", forged_command, "outside the"),
]


with tempfile.TemporaryDirectory() as wd:
    straight = {}
    for nr in (None, 3):
        run = os.path.join(wd, f"straight-{nr or 1}")
        mt.run_mgmd(text, run, np_=nr)
        straight[nr] = run
    cks = checkpoints(straight[None])
    check(len(cks) >= 2, f"the straight run wrote {len(cks)} checkpoints")
    newest = cks[-1]

    def refused(path, what, expect, nr=None):
        run = os.path.join(wd, "refuse")
        shutil.rmtree(run, ignore_errors=True)
        shutil.copytree(straight[nr], run)  # only the checkpoint may be the reason
        p = mt.run_mgmd(text, run, np_=nr, args=("-restart", path), check=False)
        out = p.stdout + p.stderr
        err = [l for l in out.splitlines() if "ERROR" in l][:1]
        check(p.returncode == 2 and expect in out and os.path.basename(path) in out,
              f"{what} ({nr or 1} rank{'s' if nr else ''}): refused, exit {p.returncode}: {err}")

    def edited(edit, name, forge=False):
        path = os.path.join(wd, "edited", name + ".h5")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        shutil.copy(newest, path)
        if edit:
            with h5py.File(path, "r+") as f:
                edit(f)
        if forge:
            forge_digest(path)
        return path

    # 1. Edits.
    for k, (what, edit, expect) in enumerate(EDITS):
        path = edited(edit, f"edit{k}")
        refused(path, what, expect)
        if edit in (edit_step, swap_x_v, rename_group):
            refused(path, what, expect, nr=3)

    # 2. Forged digests.
    same = edited(None, "forged-same", forge=True)
    run = os.path.join(wd, "forged-same")
    shutil.copytree(straight[None], run)  # the outputs it continues
    p = mt.run_mgmd(text, run, args=("-restart", same), check=False)
    check(p.returncode == 0 and "validated" in p.stdout,
          f"the digest recomputed here over an unchanged file is accepted (exit {p.returncode})")
    for k, (what, edit, expect) in enumerate(FORGED):
        refused(edited(edit, f"forged{k}", forge=True), what + ", digest forged", expect)
    refused(edited(forged_box, "forged-box3", forge=True), "box halved, digest forged", "is outside the box", nr=3)

    # 3. A series with an edited newest checkpoint.
    for nr in (None, 3):
        run = os.path.join(wd, f"series-{nr or 1}")
        shutil.copytree(straight[nr], run)
        series = checkpoints(run)
        with h5py.File(series[-1], "r+") as f:
            edit_step(f)
        p = mt.run_mgmd(text, run, np_=nr, args=("-restart", "ck/run"), check=False)
        out = p.stdout + p.stderr
        before = os.path.basename(series[-2])
        check(p.returncode == 0 and "skipping" in out and os.path.basename(series[-1]) in out
              and f"from ck/{before}" in out,
              f"{nr or 1} rank{'s' if nr else ''}: -restart PREFIX skips the edited {os.path.basename(series[-1])} "
              f"and continues from {before} (exit {p.returncode})")
        check(read_bytes(os.path.join(run, "thermo.csv")) == read_bytes(os.path.join(straight[nr], "thermo.csv")),
              f"{nr or 1} rank{'s' if nr else ''}: ... and its thermo CSV is byte-identical to the straight run's")
check.finish()
