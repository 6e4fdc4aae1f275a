"""The C++ fastText as the reference for the Rust engine (langid/tests/fasttext_parity.rs).

    python fasttext_peer.py predict MODEL K [--predict-pkg DIR]   # stdin lines -> top-K per line
    python fasttext_peer.py train OUTDIR TRAIN.txt                # small models of every kind

`predict` prints `label<TAB>prob` pairs per line. With --predict-pkg it imports PyPI
`fasttext-predict` from DIR (installed there with `pip --target`, because it and `fasttext-wheel`
both install a module named `fasttext`); otherwise `fasttext-wheel`.
"""
import sys


def load(predict_pkg):
    if predict_pkg:
        sys.path.insert(0, predict_pkg)
    import fasttext
    return fasttext


def main():
    args = sys.argv[1:]
    pkg = None
    if "--predict-pkg" in args:
        i = args.index("--predict-pkg")
        pkg = args[i + 1]
        del args[i:i + 2]
    fasttext = load(pkg)
    if args[0] == "predict":
        m = fasttext.load_model(args[1])
        k = int(args[2])
        out = []
        for line in sys.stdin.buffer.read().decode("utf-8").split("\n")[:-1]:
            # The low-level call: fasttext-wheel's predict() breaks on numpy 2.
            preds = m.f.predict(line + "\n", k, 0.0, "strict")
            out.append("\t".join(f"{l}\t{p:.7f}" for p, l in preds))
        sys.stdout.write("\n".join(out) + "\n")
    elif args[0] == "train":
        outdir, train = args[1], args[2]
        common = dict(input=train, dim=16, epoch=5, lr=0.5, minn=2, maxn=4, bucket=50000, thread=1, verbose=0)
        m = fasttext.train_supervised(loss="hs", wordNgrams=1, **common)
        m.save_model(f"{outdir}/hs.bin")
        m.quantize(input=train, qnorm=True, cutoff=2000, retrain=False)  # qout needs >= 256 output rows
        m.save_model(f"{outdir}/hs_pruned.ftz")
        m = fasttext.train_supervised(loss="softmax", wordNgrams=2, **common)
        m.save_model(f"{outdir}/softmax.bin")
        m.quantize(input=train, qnorm=False, retrain=False)
        m.save_model(f"{outdir}/softmax.ftz")
        m = fasttext.train_supervised(loss="ova", wordNgrams=3, **common)
        m.save_model(f"{outdir}/ova.bin")
    else:
        sys.exit(f"unknown command {args[0]}")


if __name__ == "__main__":
    main()
