"""The classifier's linear SVM (scikit-learn's liblinear), fitted in a child process.

Why a child: importing scikit-learn costs a process ~180 MB of memory, which a long-lived worker
would keep for nothing after the few seconds of training. The child receives the training
vectors on stdin, answers with the fitted model on stdout (pickle, trusted: our own process),
and exits. A plain `python -m` child, unlike multiprocessing's spawn, does not re-import the
caller's main module, so the classifier can be built from any script, notebook or stdin.

The model is returned as an index: feature -> (idf², idf x weight of every class packed in one
integer, see `packed`). No intercept, so a class score stays one dot product with the query's
raw counts; one packed integer per feature keeps it small (the weights are dense: a feature
weighs for or against every class, and a tuple per feature and class would take hundreds of MB).
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

from hotline.errors import HotlineError
from streams.classify.packed import pack

SVM_C = 2.0                 # liblinear's regularisation (chosen on 5-fold CV + the dev sets: 0.5, 1, 2, 4)
CLASS_WEIGHT = "balanced"   # a question with few phrasings (a new one) is not drowned by the others

Vectors = dict[str, list[tuple[int, dict[str, float]]]]   # group -> [(class, {feature: value})]
Index = dict[str, tuple[float, int]]                       # feature -> (idf², packed weights)


def fit_groups(vectors: Vectors, n_classes: int, idf: dict[str, float]) -> dict[str, Index]:
    """One model per language group, fitted in a child process."""
    root = str(Path(__file__).resolve().parents[2])  # the child imports this package from here
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
    proc = subprocess.run([sys.executable, "-m", "streams.classify.svm"], env=env, capture_output=True,
                          input=pickle.dumps((vectors, n_classes, idf, SVM_C, CLASS_WEIGHT), protocol=pickle.HIGHEST_PROTOCOL))
    if proc.returncode:
        tail = proc.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["no message"]
        raise HotlineError(f"training the classifier failed (exit {proc.returncode}): {tail[0]}; "
                           f"is scikit-learn installed in {sys.executable}?")
    return pickle.loads(proc.stdout)


def fit(vectors: list[tuple[int, dict[str, float]]], n_classes: int, idf: dict[str, float],
        c: float = SVM_C, class_weight: str | None = CLASS_WEIGHT) -> Index:
    """One group's model (runs in the child, with the parent's parameters)."""
    from scipy.sparse import csc_matrix
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.svm import LinearSVC

    dv = DictVectorizer()
    X = dv.fit_transform([x for _, x in vectors])
    X.indices, X.indptr = X.indices.astype("int32"), X.indptr.astype("int32")  # liblinear wants 32-bit
    y = [k for k, _ in vectors]
    names = [str(f) for f in dv.get_feature_names_out()]
    if len(set(y)) == 1:  # a group that knows a single class: every known feature is evidence for it
        return {f: (idf[f] ** 2, pack([idf[f] if k == y[0] else 0.0 for k in range(n_classes)])) for f in names}
    # random_state: liblinear shuffles its coordinates; fixed, the build is deterministic.
    model = LinearSVC(C=c, fit_intercept=False, random_state=0, max_iter=5000, class_weight=class_weight).fit(X, y)
    coef = model.coef_ if len(model.classes_) > 2 else [-model.coef_[0], model.coef_[0]]
    classes = [int(k) for k in model.classes_]
    by_feature = csc_matrix(coef)  # columns = features
    indptr, rows, data = by_feature.indptr.tolist(), by_feature.indices.tolist(), by_feature.data.tolist()
    index: Index = {}
    for j, f in enumerate(names):
        w = idf[f]
        scores = [0.0] * n_classes
        for n in range(indptr[j], indptr[j + 1]):
            scores[classes[rows[n]]] = w * data[n]
        index[f] = (w * w, pack(scores))
    return index


def main() -> None:
    vectors, n_classes, idf, c, class_weight = pickle.load(sys.stdin.buffer)
    models = {group: fit(group_vectors, n_classes, idf, c, class_weight) for group, group_vectors in vectors.items()}
    sys.stdout.buffer.write(pickle.dumps(models, protocol=pickle.HIGHEST_PROTOCOL))


if __name__ == "__main__":
    main()
