r"""DEC / IDEC / DCEC: Student-t soft assignments, the sharpened target and the KL loss.

Xie, Girshick and Farhadi, "Unsupervised deep embedding for clustering analysis", ICML 2016;
Guo, Gao, Liu and Yin, "Improved deep embedded clustering with local structure preservation",
IJCAI 2017 (IDEC); Guo, Liu, Zhu and Yin, ICONIP 2017 (DCEC).
"""

from __future__ import annotations

import torch

#: Added to the cluster frequencies :math:`f_j` so that an emptied cluster gives 0, not 0/0.
FREQUENCY_EPS = 1e-10

#: Lower clamp of :math:`q` inside the logarithm of the KL divergence.
LOG_EPS = 1e-12


def student_t_assignments(
    z: torch.Tensor, centers: torch.Tensor, alpha: float = 1.0
) -> torch.Tensor:
    r"""Soft assignments under a Student-t kernel centred on each cluster centre.

    .. math::
        q_{ij} = \frac{\left(1 + \|z_i - \mu_j\|^2 / \alpha\right)^{-\frac{\alpha + 1}{2}}}
                      {\sum_l \left(1 + \|z_i - \mu_l\|^2 / \alpha\right)^{-\frac{\alpha + 1}{2}}}

    DEC, IDEC and DCEC use :math:`\alpha = 1`. Computed as a softmax over
    :math:`-\frac{\alpha + 1}{2}\log(1 + d^2/\alpha)`, which is the same quantity without
    overflow for far-away points.

    Parameters
    ----------
    z : Tensor of shape (n, p)
        Embeddings.
    centers : Tensor of shape (k, p)
        Cluster centres :math:`\mu_j`.
    alpha : float, default=1.0
        Degrees of freedom of the Student-t distribution.

    Returns
    -------
    q : Tensor of shape (n, k)
        Rows sum to 1.
    """
    sq_dists = ((z.unsqueeze(1) - centers.unsqueeze(0)) ** 2).sum(dim=2)
    logits = -0.5 * (alpha + 1.0) * torch.log1p(sq_dists / alpha)
    return torch.softmax(logits, dim=1)


def target_distribution(q: torch.Tensor, eps: float = FREQUENCY_EPS) -> torch.Tensor:
    r"""DEC's auxiliary target: the assignments squared and divided by the cluster frequency.

    .. math::
        f_j = \sum_i q_{ij}, \qquad
        p_{ij} = \frac{q_{ij}^2 / (f_j + \epsilon)}{\sum_l q_{il}^2 / (f_l + \epsilon)}

    Squaring sharpens the assignments (confident points count more); dividing by :math:`f_j`
    keeps large clusters from absorbing the others. The frequencies are taken over the rows
    given, so the full data set gives DEC's target and a mini-batch ClustPy's per-batch
    variant. :math:`\epsilon` guards an emptied cluster (:math:`f_j = 0`) against 0/0; such a
    cluster gets target 0.

    Parameters
    ----------
    q : Tensor of shape (n, k)
        Soft assignments (rows sum to 1); not differentiated through by DEC (pass it detached).
    eps : float, default=FREQUENCY_EPS

    Returns
    -------
    p : Tensor of shape (n, k)
        Rows sum to 1.
    """
    weight = q**2 / (q.sum(dim=0, keepdim=True) + eps)
    return weight / weight.sum(dim=1, keepdim=True).clamp_min(torch.finfo(q.dtype).tiny)


def dec_kl(p: torch.Tensor, q: torch.Tensor, eps: float = LOG_EPS) -> torch.Tensor:
    r"""Kullback-Leibler divergence of the assignments from the target, averaged over rows.

    .. math::
        L = \frac{1}{n} \sum_i \sum_j p_{ij} \log \frac{p_{ij}}{q_{ij}}

    with :math:`0 \log 0 = 0` and :math:`q` clamped below at ``eps`` inside the logarithm. The
    Keras code of DEC/IDEC/DCEC clips both :math:`p` and :math:`q` to :math:`[10^{-7}, 1]`;
    ClustPy uses the cross-entropy :math:`-\sum p \log q`, which differs by a constant in
    :math:`q` (same gradient).

    Parameters
    ----------
    p : Tensor of shape (n, k)
        Target distribution (held fixed).
    q : Tensor of shape (n, k)
        Soft assignments.
    eps : float, default=LOG_EPS

    Returns
    -------
    loss : Tensor of shape ()
    """
    return (torch.xlogy(p, p) - p * torch.log(q.clamp_min(eps))).sum(dim=1).mean()


__all__ = ["dec_kl", "student_t_assignments", "target_distribution"]
