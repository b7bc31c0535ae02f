#!/usr/bin/python3
"""Reference values for mlgym's parity suite (packages/core/src/components/parity.test.ts).

Computes what the original (Python) MLgym reports for every metric, loss, prediction
post-processor and feature encoder of its registries, by calling scikit-learn and torch the way
the original calls them, over binary, multiclass, imbalanced, tied, saturated and edge-case
inputs, and writes the inputs with the results to fixtures/*.json. Where the original raises,
the case records the exception instead of a value.

Run with Debian's interpreter (it has python3-sklearn and python3-torch):

    /usr/bin/python3 packages/core/parity/reference_values.py

The tests read the JSON files only; they never need Python.
"""
import json
import os
import sys
import warnings

import numpy as np
import sklearn
import torch
import torch.nn.functional as F
from sklearn import metrics as skm
from sklearn.preprocessing import StandardScaler

warnings.filterwarnings("ignore")
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "fixtures")
rng = np.random.RandomState(31)


def f32(a):
    """Values as float32 (what tensors hold), written as exact doubles."""
    return np.asarray(a, dtype=np.float32)


def tolist(a):
    if isinstance(a, torch.Tensor):
        a = a.detach().numpy()
    a = np.asarray(a)
    if a.dtype.kind == "f":
        return [None if np.isnan(v) else float(v) for v in a.ravel()] if a.ndim == 0 else _nested(a)
    return a.tolist()


def _nested(a):
    if a.ndim == 1:
        return [float(v) for v in a]
    return [_nested(row) for row in a]


def outcome(fn):
    """{expected: value} or {error: {type, message}} for one call of the original's code."""
    try:
        value = fn()
    except Exception as e:  # the original lets these propagate: the experiment fails
        return {"error": {"type": type(e).__name__, "message": str(e)}}
    if isinstance(value, (list, tuple, np.ndarray)):
        return {"expected": [number(v) for v in np.asarray(value, dtype=np.float64).ravel()]}
    return {"expected": number(value)}


def number(v):
    """JSON has no NaN or infinities: they are written as strings."""
    v = float(v)
    return "NaN" if np.isnan(v) else ("Infinity" if v == np.inf else ("-Infinity" if v == -np.inf else v))


# ---------------------------------------------------------------------------------------------
# metrics: the sklearn family receives the split's targets and predictions as tensors, `params`
# as keyword arguments; the others are the original's own formulas (re-stated here with torch).

SKLEARN = {
    "F1_SCORE": skm.f1_score,
    "PRECISION": skm.precision_score,
    "RECALL": skm.recall_score,
    "ACCURACY": skm.accuracy_score,
    "BALANCED_ACCURACY": skm.balanced_accuracy_score,
    "AUROC": lambda y_true, y_pred, **p: skm.roc_auc_score(y_true=y_true, y_score=y_pred, **p),
    "AUPR": lambda y_true, y_pred, **p: skm.average_precision_score(y_true=y_true, y_score=y_pred, **p),
}


def ece(y_true, y_pred, num_bins, class_label, sum_up_bins):
    y_true = torch.as_tensor(y_true).flatten()
    y_pred = torch.as_tensor(y_pred).flatten()
    edges = np.linspace(0, 1, num_bins + 1)[1:-1]
    idx = np.digitize(y_pred.numpy(), bins=edges)
    scores, weights = [], []
    for b in range(num_bins):
        mask = torch.as_tensor(idx == b)
        p, t = y_pred[mask], y_true[mask]
        if len(p) > 0:
            prevalence = torch.sum(t == class_label) / float(len(t))
            confidence = torch.sum(p) / len(p)
            scores.append(float(torch.abs(prevalence - confidence)))
            weights.append(len(p) / len(y_pred))
        else:
            scores.append(0)
            weights.append(0)
    return sum(s * w for s, w in zip(scores, weights)) if sum_up_bins else scores


def recall_at_k(y_true, y_pred, class_label, k_vals, sort_descending):
    y_true = torch.as_tensor(y_true).flatten()
    y_pred = torch.as_tensor(y_pred).flatten()
    relevant = len(y_true[y_true == class_label])
    order = torch.argsort(y_pred, descending=sort_descending)
    out = []
    for k in k_vals:
        top = y_true[order[:k]]
        out.append(len(top[top == class_label]) / relevant)
    return out


def stable_recall_at_k(y_true, y_pred, spec):
    """Ours: tied scores in sample order (torch's sort leaves the order of ties unspecified)."""
    y_true = np.asarray(y_true).ravel()
    y_pred = np.asarray(y_pred).ravel()
    order = np.argsort(-y_pred if spec["sort_descending"] else y_pred, kind="stable")
    relevant = np.sum(y_true == spec["class_label"])
    r = [np.sum(y_true[order[:k]] == spec["class_label"]) / relevant for k in spec["k_vals"]]
    if spec["key"] == "RECALL_AT_K":
        return r
    area = skm.auc(x=spec["k_vals"], y=r)
    return area / max(spec["k_vals"]) if spec.get("normalize", False) else area


TIES = "tied scores in sample order; torch's sort leaves the order of ties unspecified"


def own_metric(key, spec, targets, predictions):
    if key == "BRIER_SCORE":
        t = torch.as_tensor(targets).flatten().float()
        p = torch.as_tensor(predictions).flatten()
        return torch.nn.MSELoss(reduction="mean")(p, t).item()
    if key == "EXPECTED_CALIBRATION_ERROR":
        return ece(targets, predictions, spec["num_bins"], spec["class_label"], spec["sum_up_bins"])
    if key == "BINARY_CLASSWISE_EXPECTED_CALIBRATION_ERROR":
        p0, p1 = predictions
        return np.mean([ece(targets, p0, spec["num_bins"], 0, True), ece(targets, p1, spec["num_bins"], 1, True)])
    if key == "RECALL_AT_K":
        return recall_at_k(targets, predictions, spec["class_label"], spec["k_vals"], spec["sort_descending"])
    if key == "AREA_UNDER_RECALL_AT_K":
        r = recall_at_k(targets, predictions, spec["class_label"], spec["k_vals"], spec["sort_descending"])
        area = skm.auc(x=spec["k_vals"], y=r)
        return area / max(spec["k_vals"]) if spec.get("normalize", False) else area
    raise KeyError(key)


metric_cases = []


def metric_case(case_id, spec, targets, predictions, extension=None, our_error=None):
    """`extension`: a documented difference — what we compute instead, and why.
    `our_error`: a regular expression our error must match where the original raises."""
    key = spec["key"]
    t = torch.as_tensor(np.asarray(targets))
    if isinstance(predictions, tuple):
        preds = tuple(torch.as_tensor(np.asarray(p)) for p in predictions)
    else:
        preds = torch.as_tensor(np.asarray(predictions))
    if key in SKLEARN:
        result = outcome(lambda: SKLEARN[key](y_true=t, y_pred=preds, **spec.get("params", {})))
    else:
        result = outcome(lambda: own_metric(key, spec, t, preds))
    case = {"id": case_id, "spec": spec, "targets": tolist(targets)}
    case["predictions"] = [tolist(p) for p in predictions] if isinstance(predictions, tuple) else [tolist(predictions)]
    case.update(result)
    if extension is not None:
        case["extension"] = {"expected": outcome(lambda: extension["expected"])["expected"], "why": extension["why"]}
    if "error" in result:
        case["our_error"] = our_error or "."
    metric_cases.append(case)


def softmax_rows(logits):
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return f32(e / e.sum(axis=1, keepdims=True))


# data sets
N = 60
bin_t = rng.randint(0, 2, N)
bin_p = np.where(rng.rand(N) < 0.75, bin_t, 1 - bin_t)
bin_s = f32(np.clip(bin_t * 0.35 + rng.rand(N) * 0.65, 0, 1))
multi_t = rng.randint(0, 4, N)
multi_p = np.where(rng.rand(N) < 0.6, multi_t, rng.randint(0, 4, N))
multi_prob = softmax_rows(rng.randn(N, 4) + 1.5 * np.eye(4)[multi_t])
imb_t = (rng.rand(N) < 0.08).astype(int)
imb_t[:2] = 1
imb_p = np.where(rng.rand(N) < 0.9, imb_t, 1 - imb_t)
imb_s = f32(rng.rand(N) * 0.6 + imb_t * 0.3)
imb_multi_t = np.where(rng.rand(N) < 0.05, 2, rng.randint(0, 2, N))
imb_multi_t[0] = 2
imb_multi_prob = softmax_rows(rng.randn(N, 3) + np.eye(3)[imb_multi_t])
tied_s = f32(np.round(rng.rand(N) * 4) / 4)
tied_multi_prob = f32(np.round(multi_prob * 4) / 4)
tied_multi_prob = f32(tied_multi_prob / tied_multi_prob.sum(axis=1, keepdims=True))
sat_s = f32(np.where(rng.rand(N) < 0.5, 0.0, 1.0))
sat_prob = f32(np.eye(4)[rng.randint(0, 4, N)])
ml_t = (rng.rand(N, 3) < 0.4).astype(int)
ml_t[0] = [1, 1, 1]
ml_t[1] = [0, 0, 0]
ml_p = np.where(rng.rand(N, 3) < 0.8, ml_t, 1 - ml_t)
ml_s = f32(np.clip(ml_t * 0.3 + rng.rand(N, 3) * 0.7, 0, 1))
col = lambda a: np.asarray(a).reshape(-1, 1)

for key in ("F1_SCORE", "PRECISION", "RECALL"):
    metric_case(f"{key} binary", {"key": key}, bin_t, bin_p)
    metric_case(f"{key} binary, column targets (N,1)", {"key": key}, col(bin_t), bin_p)
    metric_case(f"{key} binary, pos_label 0", {"key": key, "params": {"pos_label": 0}}, bin_t, bin_p)
    metric_case(f"{key} imbalanced binary", {"key": key}, imb_t, imb_p)
    for avg in ("micro", "macro", "weighted"):
        metric_case(f"{key} multiclass {avg}", {"key": key, "params": {"average": avg}}, multi_t, multi_p)
        metric_case(f"{key} multilabel {avg}", {"key": key, "params": {"average": avg}}, ml_t, ml_p)
    metric_case(f"{key} multiclass per class (average null)", {"key": key, "params": {"average": None}}, multi_t, multi_p)
    metric_case(f"{key} multilabel samples", {"key": key, "params": {"average": "samples"}}, ml_t, ml_p)
    metric_case(f"{key} multiclass macro, labels [0, 2, 5]", {"key": key, "params": {"average": "macro", "labels": [0, 2, 5]}}, multi_t, multi_p)
    metric_case(f"{key} multiclass micro, labels [1, 3]", {"key": key, "params": {"average": "micro", "labels": [1, 3]}}, multi_t, multi_p)
    never = np.where(multi_p == 3, 0, multi_p)  # class 3 is never predicted
    for zd in ("warn", 0, 1):
        metric_case(f"{key} class never predicted, macro, zero_division {zd}", {"key": key, "params": {"average": "macro", "zero_division": zd}}, multi_t, never)
        metric_case(f"{key} weighted, nothing true or predicted (labels [7]), zero_division {zd}", {"key": key, "params": {"average": "weighted", "labels": [7], "zero_division": zd}}, multi_t, multi_p)
        metric_case(f"{key} binary, all negative, zero_division {zd}", {"key": key, "params": {"zero_division": zd}}, np.zeros(8, int), np.zeros(8, int))
    metric_case(f"{key} average binary on multiclass labels", {"key": key}, multi_t, multi_p, our_error="multiclass.*average")
    metric_case(f"{key} pos_label not among the labels", {"key": key, "params": {"pos_label": 3}}, bin_t, bin_p, our_error="pos_label")
    metric_case(f"{key} probabilities instead of labels", {"key": key}, bin_t, bin_s, our_error="continuous|ARG_MAX|BINARIZATION")
    metric_case(f"{key} score rows instead of labels", {"key": key, "params": {"average": "macro"}}, multi_t, multi_prob, our_error="ARG_MAX")
    metric_case(f"{key} one-hot targets, label predictions", {"key": key, "params": {"average": "macro"}}, np.eye(4)[multi_t].astype(int), multi_p, our_error="multilabel|one-hot")

metric_case("ACCURACY binary", {"key": "ACCURACY"}, bin_t, bin_p)
metric_case("ACCURACY multiclass, column targets (N,1)", {"key": "ACCURACY"}, col(multi_t), multi_p)
metric_case("ACCURACY multiclass, normalize false", {"key": "ACCURACY", "params": {"normalize": False}}, multi_t, multi_p)
metric_case("ACCURACY multilabel (subset accuracy)", {"key": "ACCURACY"}, ml_t, ml_p)
metric_case("ACCURACY probabilities instead of labels", {"key": "ACCURACY"}, bin_t, bin_s, our_error="continuous|ARG_MAX|BINARIZATION")
for adjusted in (False, True):
    metric_case(f"BALANCED_ACCURACY binary, adjusted {adjusted}", {"key": "BALANCED_ACCURACY", "params": {"adjusted": adjusted}}, bin_t, bin_p)
    metric_case(f"BALANCED_ACCURACY multiclass, adjusted {adjusted}", {"key": "BALANCED_ACCURACY", "params": {"adjusted": adjusted}}, multi_t, multi_p)
    metric_case(f"BALANCED_ACCURACY imbalanced, adjusted {adjusted}", {"key": "BALANCED_ACCURACY", "params": {"adjusted": adjusted}}, imb_t, imb_p)
    metric_case(f"BALANCED_ACCURACY predicted class absent from targets, adjusted {adjusted}", {"key": "BALANCED_ACCURACY", "params": {"adjusted": adjusted}}, np.array([0, 0, 1, 1, 0, 1]), np.array([0, 2, 1, 1, 0, 0]))
metric_case("BALANCED_ACCURACY column targets (N,1)", {"key": "BALANCED_ACCURACY"}, col(multi_t), multi_p)
metric_case("BALANCED_ACCURACY multilabel", {"key": "BALANCED_ACCURACY"}, ml_t, ml_p, our_error="multilabel")

for name, t, s in (("binary", bin_t, bin_s), ("imbalanced", imb_t, imb_s), ("tied", bin_t, tied_s), ("saturated", bin_t, sat_s)):
    metric_case(f"AUROC {name}", {"key": "AUROC"}, t, s)
    metric_case(f"AUPR {name}", {"key": "AUPR"}, t, s)
    metric_case(f"AUROC {name}, max_fpr 0.3", {"key": "AUROC", "params": {"max_fpr": 0.3}}, t, s)
metric_case("AUROC binary, column targets and scores (N,1)", {"key": "AUROC"}, col(bin_t), col(bin_s))
metric_case("AUPR binary, column targets and scores (N,1)", {"key": "AUPR"}, col(bin_t), col(bin_s))
metric_case("AUPR binary, pos_label 0", {"key": "AUPR", "params": {"pos_label": 0}}, bin_t, f32(1 - bin_s))
metric_case("AUROC binary, average weighted (ignored for binary)", {"key": "AUROC", "params": {"average": "weighted"}}, bin_t, bin_s)
for mc in ("ovr", "ovo"):
    for avg in ("macro", "weighted") + (("micro",) if mc == "ovr" else ()):
        for name, t, p in (("multiclass", multi_t, multi_prob), ("imbalanced multiclass", imb_multi_t, imb_multi_prob), ("tied multiclass", multi_t, tied_multi_prob)):
            metric_case(f"AUROC {name}, {mc} {avg}", {"key": "AUROC", "params": {"multi_class": mc, "average": avg}}, t, p)
metric_case("AUROC multiclass, ovr per class (average null)", {"key": "AUROC", "params": {"multi_class": "ovr", "average": None}}, multi_t, multi_prob)
metric_case("AUROC multiclass, ovr, labels [0, 1, 2, 3]", {"key": "AUROC", "params": {"multi_class": "ovr", "labels": [0, 1, 2, 3]}}, multi_t, multi_prob)
metric_case("AUROC multiclass, ovo micro", {"key": "AUROC", "params": {"multi_class": "ovo", "average": "micro"}}, multi_t, multi_prob, our_error="average")
metric_case("AUROC multiclass without multi_class", {"key": "AUROC"}, multi_t, multi_prob, our_error="multi_class")
metric_case("AUROC multiclass, rows not summing to 1", {"key": "AUROC", "params": {"multi_class": "ovr"}}, multi_t, f32(multi_prob * 2), our_error="sum|probabilit")
metric_case("AUROC multiclass, max_fpr", {"key": "AUROC", "params": {"multi_class": "ovr", "max_fpr": 0.5}}, multi_t, multi_prob, our_error="max_fpr")
metric_case("AUROC multiclass, fewer score columns than classes", {"key": "AUROC", "params": {"multi_class": "ovr"}}, multi_t, softmax_rows(rng.randn(N, 3)), our_error="columns")
metric_case("AUROC single class in targets", {"key": "AUROC"}, np.ones(10, int), f32(rng.rand(10)), our_error="one class")
metric_case("AUROC saturated multiclass one-hot scores, ovr macro", {"key": "AUROC", "params": {"multi_class": "ovr"}}, multi_t, sat_prob)
ml_t_mixed_rows = ml_t.copy()
ml_t_mixed_rows[0] = [1, 0, 1]
ml_t_mixed_rows[1] = [0, 1, 0]
ml_t_mixed_rows[ml_t_mixed_rows.sum(axis=1) == 0, 0] = 1
ml_t_mixed_rows[ml_t_mixed_rows.sum(axis=1) == 3, 2] = 0
metric_case("AUROC multilabel samples, a sample with one class", {"key": "AUROC", "params": {"average": "samples"}}, ml_t, ml_s, our_error="one class")
for avg in ("micro", "macro", "weighted", "samples", None):
    metric_case(f"AUROC multilabel {avg}", {"key": "AUROC", "params": {"average": avg}}, ml_t_mixed_rows, ml_s)
    metric_case(f"AUPR multilabel {avg}", {"key": "AUPR", "params": {"average": avg}}, ml_t, ml_s)
ml_t_empty_col = ml_t.copy()
ml_t_empty_col[:, 2] = 0
metric_case("AUPR multilabel, a label without positives, macro", {"key": "AUPR"}, ml_t_empty_col, ml_s)
metric_case("AUPR multilabel, a label without positives, weighted", {"key": "AUPR", "params": {"average": "weighted"}}, ml_t_empty_col, ml_s)
metric_case("AUROC multilabel, a label without positives", {"key": "AUROC"}, ml_t_empty_col, ml_s, our_error="one class")
metric_case("AUPR all targets negative", {"key": "AUPR"}, np.zeros(10, int), f32(rng.rand(10)))
metric_case("AUPR multiclass targets", {"key": "AUPR"}, multi_t, multi_prob, our_error="multiclass")
metric_case("AUPR pos_label not among two labels", {"key": "AUPR", "params": {"pos_label": 2}}, bin_t, bin_s, our_error="pos_label")
two_cols = np.stack([1 - bin_s, bin_s], axis=1)
metric_case(
    "AUROC binary targets, two score columns",
    {"key": "AUROC"},
    bin_t,
    f32(two_cols),
    extension={"expected": skm.roc_auc_score(bin_t, f32(two_cols)[:, 1]), "why": "scored on the second column (the greater label's score); sklearn wants one column"},
)
metric_case(
    "AUPR binary targets, two score columns",
    {"key": "AUPR"},
    bin_t,
    f32(two_cols),
    extension={"expected": skm.average_precision_score(bin_t, f32(two_cols)[:, 1]), "why": "scored on the second column (the greater label's score); sklearn wants one column"},
)

edges = f32([0.0, 0.1, 0.2, 0.30000001, 0.3, 0.5, 0.7, 0.9, 1.0, 0.05, 0.95, 0.6])
edge_t = np.array([0, 0, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0])
for bins in (10, 5, 3):
    metric_case(f"EXPECTED_CALIBRATION_ERROR {bins} bins, values on bin edges", {"key": "EXPECTED_CALIBRATION_ERROR", "num_bins": bins, "class_label": 1, "sum_up_bins": True}, edge_t, edges)
metric_case("EXPECTED_CALIBRATION_ERROR per bin", {"key": "EXPECTED_CALIBRATION_ERROR", "num_bins": 10, "class_label": 1, "sum_up_bins": False}, bin_t, bin_s)
metric_case("EXPECTED_CALIBRATION_ERROR class 0, column targets", {"key": "EXPECTED_CALIBRATION_ERROR", "num_bins": 10, "class_label": 0, "sum_up_bins": True}, col(bin_t), f32(1 - bin_s))
metric_case("EXPECTED_CALIBRATION_ERROR saturated", {"key": "EXPECTED_CALIBRATION_ERROR", "num_bins": 10, "class_label": 1, "sum_up_bins": True}, bin_t, sat_s)
metric_case("BINARY_CLASSWISE_EXPECTED_CALIBRATION_ERROR", {"key": "BINARY_CLASSWISE_EXPECTED_CALIBRATION_ERROR", "prediction_subscription_key_0": "p0", "prediction_subscription_key_1": "p1", "num_bins": 10, "class_labels": [0, 1]}, bin_t, (f32(1 - bin_s), bin_s))
metric_case("BINARY_CLASSWISE_EXPECTED_CALIBRATION_ERROR 4 bins, edges", {"key": "BINARY_CLASSWISE_EXPECTED_CALIBRATION_ERROR", "prediction_subscription_key_0": "p0", "prediction_subscription_key_1": "p1", "num_bins": 4, "class_labels": [0, 1]}, edge_t, (f32(1 - edges), edges))
metric_case("BRIER_SCORE binary", {"key": "BRIER_SCORE"}, bin_t, bin_s)
metric_case("BRIER_SCORE saturated, column targets", {"key": "BRIER_SCORE"}, col(bin_t), sat_s)
metric_case("BRIER_SCORE one-hot rows", {"key": "BRIER_SCORE"}, np.eye(4)[multi_t], multi_prob)
rk = {"key": "RECALL_AT_K", "class_label": 1, "k_vals": [1, 5, 10, 30, 60, 100], "sort_descending": True}
metric_case("RECALL_AT_K descending", rk, bin_t, bin_s)
metric_case("RECALL_AT_K ascending", {**rk, "sort_descending": False}, bin_t, bin_s)
metric_case("RECALL_AT_K tied scores", rk, bin_t, tied_s, extension={"expected": stable_recall_at_k(bin_t, tied_s, rk), "why": TIES})
metric_case("RECALL_AT_K imbalanced, class 1", rk, imb_t, imb_s)
metric_case("RECALL_AT_K no sample of the class", {**rk, "class_label": 5}, bin_t, bin_s, our_error="class_label")
ark = {"key": "AREA_UNDER_RECALL_AT_K", "class_label": 1, "k_vals": [1, 5, 10, 30, 60], "sort_descending": True, "normalize": False}
metric_case("AREA_UNDER_RECALL_AT_K", ark, bin_t, bin_s)
metric_case("AREA_UNDER_RECALL_AT_K normalized", {**ark, "normalize": True}, bin_t, bin_s)
metric_case("AREA_UNDER_RECALL_AT_K decreasing k", {**ark, "k_vals": [60, 30, 10, 5, 1]}, bin_t, bin_s)
metric_case("AREA_UNDER_RECALL_AT_K tied, ascending", {**ark, "sort_descending": False}, bin_t, tied_s, extension={"expected": stable_recall_at_k(bin_t, tied_s, {**ark, "sort_descending": False}), "why": TIES})
metric_case("AREA_UNDER_RECALL_AT_K one k", {**ark, "k_vals": [5]}, bin_t, bin_s, our_error="two")
metric_case("AREA_UNDER_RECALL_AT_K k neither increasing nor decreasing", {**ark, "k_vals": [1, 10, 5]}, bin_t, bin_s, our_error="increasing")


# ---------------------------------------------------------------------------------------------
# losses: what the original adds to a split's loss for one batch, `loss_fun(batch).sum()`
# (training back-propagates the same sum); float32 as torch computes it.


def tensor_input(a, dtype="float32"):
    a = np.asarray(a)
    return {"shape": list(a.shape), "dtype": dtype, "data": [float(v) if dtype == "float32" else int(v) for v in a.ravel()]}


def loss_value(spec, t, p):
    key = spec["key"]
    t = torch.as_tensor(t)
    p = torch.as_tensor(p)
    if key in ("LPLoss", "LPPredictionLoss"):
        if t.shape != p.shape:
            raise ValueError("InvalidTensorFormatError: target and prediction shapes differ")
        v = torch.sum((p - t).abs() ** spec.get("exponent", 2), dim=1) ** (1 / spec.get("root", 1))
        if spec.get("average_batch_loss", True):
            v = torch.sum(v) / len(v)
        return v.sum().item()
    if key == "CrossEntropyLoss":
        v = torch.nn.CrossEntropyLoss(reduction="none")(p, t.long().flatten())
        return (torch.sum(v) / len(v)).sum().item()
    if key == "NLLLoss":
        v = torch.nn.NLLLoss(reduction="none")(F.log_softmax(p, dim=1), t.long())
        return v.sum().item()
    if key == "BCEWithLogitsLoss":
        if spec.get("flatten_predictions", False):
            p = p.flatten()
        v = torch.nn.BCEWithLogitsLoss(reduction="none")(p, t.float())
        if spec.get("average_batch_loss", True):
            v = torch.sum(v) / len(v)
        return v.sum().item()
    if key == "BCELoss":
        v = torch.nn.BCELoss(reduction="none")(p, t.float())
        if spec.get("average_batch_loss", True):
            v = torch.sum(v) / len(v)
        return v.sum().item()
    if key == "MSELoss":  # ours, not the original's: torch's MSELoss
        return torch.nn.MSELoss()(p, t.float().reshape(p.shape)).item()
    if key == "L1Loss":  # ours, not the original's: torch's L1Loss
        return torch.nn.L1Loss()(p, t.float().reshape(p.shape)).item()
    raise KeyError(key)


def lp_selected(spec, t, p, selector):
    """LPLoss with class_selection_fun_params: samples whose `selector` target equals the class."""
    t = torch.as_tensor(t)
    p = torch.as_tensor(p)
    sel = spec["class_selection_fun_params"]
    mask = (torch.as_tensor(selector) == sel["selected_class"]).tolist()
    t, p = t[mask], p[mask]
    v = torch.sum((p - t).abs() ** spec.get("exponent", 2), dim=1) ** (1 / spec.get("root", 1))
    if spec.get("average_batch_loss", True):
        v = torch.sum(v) / len(v)
    return v.sum().item()


loss_cases = []


def loss_case(case_id, spec, t, p, t_dtype="float32", extension=None, our_error=None, selector=None):
    t = np.asarray(t)
    p = f32(p)
    if selector is not None:
        result = outcome(lambda: lp_selected(spec, t, p, selector))
    else:
        result = outcome(lambda: loss_value(spec, t, p))
    case = {"id": case_id, "spec": spec, "targets": tensor_input(t, t_dtype), "predictions": tensor_input(p)}
    if selector is not None:
        case["selector"] = tensor_input(np.asarray(selector), "int32")
    case.update(result)
    if extension is not None:
        case["extension"] = extension
    if "error" in result:
        case["our_error"] = our_error or "."
    loss_cases.append(case)


B = 24
labels4 = rng.randint(0, 4, B)
logits4 = f32(rng.randn(B, 4) * 2)
sat_logits = f32(np.where(rng.rand(B, 4) < 0.5, -60.0, 60.0))
loss_case("CrossEntropyLoss logits", {"key": "CrossEntropyLoss"}, labels4, logits4, "int32")
loss_case("CrossEntropyLoss column targets (N,1)", {"key": "CrossEntropyLoss"}, col(labels4), logits4, "int32")
loss_case("CrossEntropyLoss saturated logits", {"key": "CrossEntropyLoss"}, labels4, sat_logits, "int32")
loss_case("CrossEntropyLoss float class targets", {"key": "CrossEntropyLoss"}, labels4.astype(np.float32), logits4)
loss_case("CrossEntropyLoss target out of range", {"key": "CrossEntropyLoss"}, np.where(labels4 == 0, 4, labels4), logits4, "int32", our_error="out of range|classes")
loss_case("NLLLoss logits: per-sample values summed over the batch", {"key": "NLLLoss"}, labels4, logits4, "int32")
loss_case("NLLLoss saturated", {"key": "NLLLoss"}, labels4, sat_logits, "int32")
loss_case(
    "NLLLoss column targets (N,1)",
    {"key": "NLLLoss"},
    col(labels4),
    logits4,
    "int32",
    extension={"expected": loss_value({"key": "NLLLoss"}, labels4, logits4), "why": "(N,1) targets are read as (N): our collator gives (N) where the original's gives (N,1)"},
)
y1 = rng.randint(0, 2, (B, 1)).astype(np.float32)
x1 = f32(rng.randn(B, 1) * 3)
x3 = f32(rng.randn(B, 3) * 3)
y3 = rng.randint(0, 2, (B, 3)).astype(np.float32)
loss_case("BCEWithLogitsLoss (N,1)", {"key": "BCEWithLogitsLoss"}, y1, x1)
loss_case("BCEWithLogitsLoss (N,3): sum over all divided by N", {"key": "BCEWithLogitsLoss"}, y3, x3)
loss_case("BCEWithLogitsLoss average_batch_loss false", {"key": "BCEWithLogitsLoss", "average_batch_loss": False}, y3, x3)
loss_case("BCEWithLogitsLoss flatten_predictions, (N) targets", {"key": "BCEWithLogitsLoss", "flatten_predictions": True}, y1.ravel(), x1)
loss_case("BCEWithLogitsLoss saturated logits", {"key": "BCEWithLogitsLoss"}, y3, f32(np.where(y3 > 0, -100.0, 100.0)))
loss_case(
    "BCEWithLogitsLoss (N) targets, (N,1) logits",
    {"key": "BCEWithLogitsLoss"},
    y1.ravel(),
    x1,
    extension={"expected": loss_value({"key": "BCEWithLogitsLoss"}, y1, x1), "why": "(N) and (N,1) targets are the same shape to our losses; torch refuses the pair"},
)
loss_case("BCEWithLogitsLoss shapes differ", {"key": "BCEWithLogitsLoss"}, y3, x1, our_error="shape")
p1 = f32(1 / (1 + np.exp(-x1)))
p3 = f32(1 / (1 + np.exp(-x3)))
loss_case("BCELoss (N,1)", {"key": "BCELoss"}, y1, p1)
loss_case("BCELoss (N,3)", {"key": "BCELoss"}, y3, p3)
loss_case("BCELoss average_batch_loss false", {"key": "BCELoss", "average_batch_loss": False}, y3, p3)
loss_case("BCELoss saturated: log capped at -100", {"key": "BCELoss"}, y3, f32(np.where(y3 > 0, 0.0, 1.0)))
loss_case("BCELoss nearly saturated", {"key": "BCELoss"}, y3, f32(np.where(y3 > 0, 1e-30, 1 - 1e-8)))
loss_case("BCELoss probabilities outside [0, 1]", {"key": "BCELoss"}, y1, f32(p1 * 1.5), our_error="between 0 and 1|\\[0, 1\\]")
xf = f32(rng.randn(B, 5))
tf_ = f32(rng.randn(B, 5))
for exponent, root in ((2, 1), (1, 1), (3, 2), (2, 2), (1.5, 1)):
    loss_case(f"LPLoss exponent {exponent} root {root}", {"key": "LPLoss", "exponent": exponent, "root": root}, tf_, xf)
loss_case("LPPredictionLoss (alias)", {"key": "LPPredictionLoss"}, tf_, xf)
loss_case("LPLoss average_batch_loss false", {"key": "LPLoss", "average_batch_loss": False, "root": 2}, tf_, xf)
x3d = f32(rng.randn(B, 3, 2))
t3d = f32(rng.randn(B, 3, 2))
loss_case("LPLoss rank 3: summed over dim 1 only", {"key": "LPLoss", "root": 2}, t3d, x3d)
sel_labels = rng.randint(0, 3, B)
loss_case(
    "LPLoss class_selection_fun_params",
    {"key": "LPLoss", "class_selection_fun_params": {"target_subscription_key": "label", "selected_class": 1}},
    tf_,
    xf,
    selector=sel_labels,
)
loss_case(
    "LPLoss class_selection_fun_params, no sample of the class",
    {"key": "LPLoss", "class_selection_fun_params": {"target_subscription_key": "label", "selected_class": 7}},
    tf_,
    xf,
    selector=sel_labels,
)
loss_case("LPLoss shapes differ", {"key": "LPLoss"}, tf_[:, :4], xf, our_error="shape")
loss_case("MSELoss (ours; torch MSELoss)", {"key": "MSELoss"}, tf_, xf)
loss_case("L1Loss (ours; torch L1Loss)", {"key": "L1Loss"}, tf_, xf)

# evaluation: a split's loss is the mean over its batches of each batch's value (the last,
# partial batch weighs as much as a full one)
eval_cases = []
for spec in ({"key": "CrossEntropyLoss"}, {"key": "NLLLoss"}, {"key": "BCEWithLogitsLoss"}):
    n, bs = 23, 8
    if spec["key"] == "BCEWithLogitsLoss":
        t_all, p_all = rng.randint(0, 2, (n, 1)).astype(np.float32), f32(rng.randn(n, 1) * 2)
        t_dtype = "float32"
    else:
        t_all, p_all = rng.randint(0, 4, n), f32(rng.randn(n, 4) * 2)
        t_dtype = "int32"
    batches = [(t_all[i : i + bs], p_all[i : i + bs]) for i in range(0, n, bs)]
    values = [loss_value(spec, t, p) for t, p in batches]
    eval_cases.append(
        {
            "id": f"{spec['key']} over batches of 8, 8, 7",
            "spec": spec,
            "batches": [{"targets": tensor_input(t, t_dtype), "predictions": tensor_input(p)} for t, p in batches],
            "expected": float(np.mean(values)),
        }
    )


# ---------------------------------------------------------------------------------------------
# prediction post-processors (torch, on dim 1)

post_cases = []


def post_case(case_id, key, params, x):
    x = torch.as_tensor(f32(x))
    if key == "SOFT_MAX":
        y = torch.nn.Softmax(dim=1)(x)
    elif key == "ARG_MAX":
        y = torch.argmax(x, dim=1)
    elif key == "MIN_OR_MAX":
        y = (torch.max if params["agg_fun"] == "max" else torch.min)(x, dim=1)[0]
    elif key == "SIGMOIDAL":
        y = torch.sigmoid(x)
    elif key == "BINARIZATION":
        y = torch.zeros_like(x).int()
        y[x > params.get("threshold", 0.5)] = 1
    elif key == "DUMMY":
        y = x
    post_cases.append({"id": case_id, "key": key, "params": params, "input": tensor_input(x.numpy()), "expected": tensor_input(y.numpy().astype(np.float64))})


xp = f32(rng.randn(12, 5) * 3)
xt = f32(np.round(rng.randn(12, 5)))
xs = f32(np.where(rng.rand(12, 5) < 0.5, -200.0, 200.0))
x3 = f32(rng.randn(6, 3, 4))
for name, x in (("random", xp), ("tied", xt), ("saturated", xs), ("rank 3 (on dim 1)", x3)):
    post_case(f"SOFT_MAX {name}", "SOFT_MAX", {}, x)
    post_case(f"ARG_MAX {name}", "ARG_MAX", {}, x)
    post_case(f"MIN_OR_MAX max {name}", "MIN_OR_MAX", {"agg_fun": "max"}, x)
    post_case(f"MIN_OR_MAX min {name}", "MIN_OR_MAX", {"agg_fun": "min"}, x)
    post_case(f"SIGMOIDAL {name}", "SIGMOIDAL", {}, x)
    post_case(f"DUMMY {name}", "DUMMY", {}, x)
probs = f32(np.round(rng.rand(12, 3) * 10) / 10)
post_case("BINARIZATION threshold 0.5, values on the threshold", "BINARIZATION", {}, probs)
post_case("BINARIZATION threshold 0.3", "BINARIZATION", {"threshold": 0.3}, probs)
post_case("SIGMOIDAL threshold (accepted, unused)", "SIGMOIDAL", {"threshold": 0.7}, xp)


# ---------------------------------------------------------------------------------------------
# feature encoders: categorical → one-hot over np.unique's order (numbers numerically), unseen
# values raise; continuous → StandardScaler (population std, constant columns scale 1)

enc_cases = []


def encode(train, apply, configs):
    encoders = {}
    for config in configs:
        values = np.stack([np.asarray(row)[config["feature_names"]] for row in train])
        for i, col_ix in enumerate(config["feature_names"]):
            column = values[:, i]
            if config["feature_type"] == "categorical":
                uniq = np.unique(column.flatten())
                encoders[col_ix] = ("cat", uniq, {str(v): ix for ix, v in enumerate(uniq)})
            else:
                scaler = StandardScaler()
                scaler.fit(np.expand_dims(column.astype(np.float64), axis=1))
                encoders[col_ix] = ("cont", scaler)
    out = []
    for row in apply:
        encoded = []
        for c, value in enumerate(np.asarray(row)):
            enc = encoders.get(c)
            if enc is None:
                encoded.append(float(value))
            elif enc[0] == "cat":
                one_hot = np.zeros(len(enc[1]))
                one_hot[enc[2][str(value)]] = 1
                encoded.extend(one_hot.tolist())
            else:
                encoded.append(float(enc[1].transform(np.array([[float(value)]]))[0, 0]))
        out.append(encoded)
    return out


def enc_case(case_id, train, apply, configs, our_error=None):
    result = outcome(lambda: encode(train, apply, configs))
    if "expected" in result:
        result["expected"] = encode(train, apply, configs)
    case = {"id": case_id, "configs": configs, "train": train, "apply": apply}
    case.update(result)
    if "error" in result:
        case["our_error"] = our_error or "."
    enc_cases.append(case)


num_train = [[2, 0.5, 7], [10, 1.5, 7], [1, 2.5, 7], [2, 3.5, 7], [10, -1.0, 7]]
cat_cfg = {"feature_type": "categorical", "feature_names": [0], "train_split": "train"}
cont_cfg = {"feature_type": "continuous", "feature_names": [1, 2], "train_split": "train"}
enc_case("categorical numbers ordered numerically (1, 2, 10)", num_train, num_train, [cat_cfg])
enc_case("continuous standardised with population std; constant column scale 1", num_train, num_train, [cont_cfg])
enc_case("categorical and continuous together", num_train, [[10, 0.0, 7], [1, 9.0, 8]], [cat_cfg, cont_cfg])
enc_case("categorical unseen value raises", num_train, [[3, 0.0, 7]], [cat_cfg], our_error="unseen|not seen|3")
str_train = [["b", 1], ["a", 2], ["B", 3], ["a10", 4], ["a2", 5]]
enc_case("categorical strings ordered by code point", str_train, str_train, [cat_cfg])
enc_case("categorical unseen string raises", str_train, [["c", 1]], [cat_cfg], our_error="unseen|not seen|c")
float_train = [[0.5, 1], [1.25, 2], [0.5, 3], [-3.0, 4]]
enc_case("categorical floats", float_train, float_train, [cat_cfg])


def write(name, cases):
    os.makedirs(OUT, exist_ok=True)
    body = {
        "generator": "packages/core/parity/reference_values.py",
        "versions": {"python": sys.version.split()[0], "sklearn": sklearn.__version__, "torch": torch.__version__, "numpy": np.__version__},
        "cases": cases,
    }
    with open(os.path.join(OUT, name), "w") as f:
        head = json.dumps({k: v for k, v in body.items() if k != "cases"}, allow_nan=False)
        lines = ",\n".join("  " + json.dumps(c, allow_nan=False, separators=(",", ":")) for c in cases)
        f.write(head[:-1] + ', "cases": [\n' + lines + "\n]}\n")


write("metrics.json", metric_cases)
write("losses.json", loss_cases)
write("evaluation.json", eval_cases)
write("postProcessors.json", post_cases)
write("featureEncoders.json", enc_cases)
print(f"{len(metric_cases)} metric, {len(loss_cases)} loss, {len(eval_cases)} evaluation, {len(post_cases)} post-processor, {len(enc_cases)} encoder cases → {OUT}")
