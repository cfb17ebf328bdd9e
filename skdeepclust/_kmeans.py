"""k-means starts for the deep clusterers: plain k-means with one warning policy, and
k-means in a learned subspace (SubKmeans) for ACeDeC."""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.cluster import KMeans
from sklearn.exceptions import ConvergenceWarning


def kmeans(Z: np.ndarray, n_clusters: int, seed: int, n_init: int = 10, **params) -> KMeans:
    """``KMeans`` fitted to ``Z``, the start of the centres of every method that uses one.

    Embeddings with duplicate points can give fewer distinct centres than clusters;
    scikit-learn then warns (``ConvergenceWarning``), and the methods start from those centres
    anyway (training separates them), so that warning is silenced here and only here.

    Parameters
    ----------
    Z : ndarray of shape (n_samples, n_features)
    n_clusters : int
    seed : int
        ``random_state`` of the KMeans.
    n_init : int, default=10
    **params
        Other ``KMeans`` parameters (``init``, ``max_iter``).

    Returns
    -------
    kmeans : KMeans
        Fitted.
    """
    model = KMeans(n_clusters, n_init=n_init, random_state=seed, **params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=ConvergenceWarning)
        return model.fit(Z)


def cluster_means(Y: np.ndarray, labels: np.ndarray, fallback: np.ndarray) -> np.ndarray:
    """Mean of the rows of ``Y`` per label; ``fallback`` rows for labels without points."""
    centers = np.array(fallback, dtype=np.float64, copy=True)
    for k in range(len(centers)):
        members = Y[labels == k]
        if len(members):
            centers[k] = members.mean(axis=0)
    return centers


def subspace_kmeans(
    Y: np.ndarray, n_clusters: int, random_state: np.random.RandomState, *,
    n_rounds: int = 10, max_iter: int = 50, full_space_round: bool = True,
) -> tuple[np.ndarray, np.ndarray, float]:
    r"""k-means in a learned subspace plus one shared centroid (SubKmeans, Mautz et al., 2017).

    Minimises, over an orthogonal :math:`R` (d x d), a split of its columns into a cluster part
    :math:`P_c` (m columns) and a shared part :math:`P_s`, and hard assignments,

    .. math::
        \sum_i \|P_c^\top R^\top (y_i - \mu_{c(i)})\|^2
        + \sum_i \|P_s^\top R^\top (y_i - \bar y)\|^2,

    which is the ACe/DeC cluster + shared loss with hard weights :math:`\beta \in \{0, 1\}`.
    Alternates: assign in the cluster part; centroids = means; :math:`R` = eigenvectors of
    :math:`S_w - S_t` (within-cluster minus total scatter) in ascending order of their
    eigenvalues, :math:`m` = number of negative eigenvalues (at least 1, at most d - 1).
    Each random round starts from a random orthogonal :math:`R`, :math:`m = d/2` and k-means++
    seeds in that random cluster part (paper §2.2). With ``full_space_round`` one more round
    starts from ``KMeans(n_init=10)`` on all dimensions (:class:`DCN`'s start), which a random
    half of the dimensions can miss; it can only lower the returned cost. The round with the
    lowest cost is returned.

    Parameters
    ----------
    Y : ndarray of shape (n, d), d >= 2
    n_clusters : int
    random_state : numpy RandomState
    n_rounds : int, default=10
        Rounds from random rotations.
    max_iter : int, default=50
        Iterations per round (stops earlier when the assignments no longer change).
    full_space_round : bool, default=True
        Add the round started from full-space k-means.

    Returns
    -------
    R : ndarray of shape (d, d)
        Orthogonal; columns sorted by cluster structure (cluster part first).
    labels : ndarray of shape (n,)
    cost : float
    """
    if n_rounds < 1 and not full_space_round:
        raise ValueError("subspace_kmeans needs at least one round (n_rounds >= 1 or "
                         "full_space_round=True).")
    d = Y.shape[1]
    Y = Y - Y.mean(axis=0)
    starts = []
    for _ in range(n_rounds):
        q, r = np.linalg.qr(random_state.standard_normal((d, d)))
        R = q * np.where(np.diag(r) < 0, -1.0, 1.0)
        seed = random_state.randint(np.iinfo(np.int32).max)
        starts.append(kmeans(Y @ R[:, :max(1, d // 2)], n_clusters, seed, n_init=1).labels_)
    if full_space_round:
        starts.append(kmeans(Y, n_clusters, random_state.randint(np.iinfo(np.int32).max)).labels_)
    scatter_total = Y.T @ Y
    rounds = (_subspace_round(Y, scatter_total, labels, n_clusters, max_iter) for labels in starts)
    return min(rounds, key=lambda result: result[2])


def _subspace_round(
    Y: np.ndarray, scatter_total: np.ndarray, labels: np.ndarray, n_clusters: int, max_iter: int
) -> tuple[np.ndarray, np.ndarray, float]:
    """One round of :func:`subspace_kmeans` on centred ``Y`` (total scatter ``Y.T @ Y``) from
    the starting ``labels``."""
    d = Y.shape[1]
    tol = 1e-9 * max(float(np.trace(scatter_total)), np.finfo(np.float64).tiny)
    for _ in range(max_iter):
        centers = cluster_means(Y, labels, np.zeros((n_clusters, d)))
        resid = Y - centers[labels]
        eigval, R = np.linalg.eigh(resid.T @ resid - scatter_total)
        # S_w - S_t = -S_b has rank <= k - 1; ignore round-off "negatives".
        m = int(np.clip((eigval < -tol).sum(), 1, d - 1))
        projected = Y @ R[:, :m]
        dist = ((projected[:, None, :] - (centers @ R[:, :m])[None]) ** 2).sum(2)
        new_labels = dist.argmin(1)
        if np.array_equal(new_labels, labels):
            break
        labels = new_labels
    centers = cluster_means(Y, labels, np.zeros((n_clusters, d)))
    resid = Y - centers[labels]
    cost = float(((resid @ R[:, :m]) ** 2).sum() + ((Y @ R[:, m:]) ** 2).sum())
    return R, labels, cost


__all__ = ["cluster_means", "kmeans", "subspace_kmeans"]
