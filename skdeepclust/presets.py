"""The papers' configurations as ready-made estimators.

Each function returns an unfitted estimator set up as the paper describes its experiments
(architecture, loss and its normalisations, optimiser, epochs, restarts); any keyword
overrides a value exactly like ``set_params`` afterwards. The docstring of each names the
paper, the table it reproduces, the protocol, and where the authors' code or this package
differs. The package's defaults are chosen for a CPU and small data; these presets are what
to use to compare with a paper.

Data preparation is part of a paper's protocol but not of an estimator: each docstring says
what the paper fed its network (e.g. images scaled to [0, 1]); ``benchmarks/protocols.py``
does it for the reproductions in ``benchmarks/RESULTS.md``.

``n_init`` is the paper's number of runs *with selection* where the paper reports the run its
unsupervised criterion selects (DDC, DTKC, UCO: lowest loss of 20). Where a paper reports the
mean over independent runs (AE-CM, CM, ACe/DeC, DEC-family tables), the preset makes one run
(``n_init=1``) and the mean over ``random_state`` values is the comparable number.

Examples
--------
>>> from skdeepclust import presets
>>> model = presets.aecm("fashion_mnist")
>>> model.alpha, model.beta, model.lam, model.batch_size
(13.0, 47.0, 1.0, 175)
>>> presets.dtkc().get_params()["encoder__first_block_pooled"]
True
>>> sorted(presets.PRESETS)  # doctest: +NORMALIZE_WHITESPACE
['acedec', 'aecm', 'cm', 'dcec', 'dcn', 'ddc', 'ddc_ae', 'ddc_uco', 'dec', 'dec_conv',
 'dtkc', 'idec', 'rddc', 'rdtkc']
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
from sklearn.base import BaseEstimator

from skdeepclust._acedec import ACeDeC
from skdeepclust._aecm import AECM, ClusteringModule
from skdeepclust._dcn import DCN
from skdeepclust._ddc import DDC
from skdeepclust._dec import DEC, IDEC

#: Paper Table 13 of the AE-CM paper (= the authors' ``Tuned_Param.py``): per dataset the
#: Dirichlet concentration alpha, reconstruction weight beta, orthonormality weight lambda,
#: batch size B and code dimension p, all for batch *sums* (``reduction="sum"``).
AECM_TABLE_13: dict[str, dict[str, float]] = {
    "mnist": {"alpha": 230.0, "beta": 5.0, "lam": 1.0, "batch_size": 500, "n_embed": 10},
    "fashion_mnist": {"alpha": 13.0, "beta": 47.0, "lam": 1.0, "batch_size": 175, "n_embed": 10},
    "usps": {"alpha": 20.0, "beta": 0.5, "lam": 1.0, "batch_size": 256, "n_embed": 10},
    "cifar10": {"alpha": 64.0, "beta": 1.0, "lam": 1.0, "batch_size": 256, "n_embed": 10},
    "reuters10k": {"alpha": 2.0, "beta": 1.0, "lam": 1.0, "batch_size": 256, "n_embed": 100},
    "20news": {"alpha": 10.0, "beta": 232.0, "lam": 1.0, "batch_size": 300, "n_embed": 100},
    "10x73k": {"alpha": 7.0, "beta": 15.0, "lam": 1.0, "batch_size": 7, "n_embed": 10},
    "pendigits": {"alpha": 13.0, "beta": 0.5, "lam": 1.0, "batch_size": 100, "n_embed": 10},
}

#: Paper Table 12 of the AE-CM paper: the CM's concentration alpha and batch size B.
CM_TABLE_12: dict[str, dict[str, float]] = {
    "mnist": {"alpha": 177.0, "batch_size": 111},
    "fashion_mnist": {"alpha": 80.0, "batch_size": 35},
    "usps": {"alpha": 40.0, "batch_size": 150},
    "cifar10": {"alpha": 164.0, "batch_size": 350},
    "reuters10k": {"alpha": 10.0, "batch_size": 400},
    "20news": {"alpha": 11.0, "batch_size": 85},
    "10x73k": {"alpha": 1000.0, "batch_size": 500},
    "pendigits": {"alpha": 13.0, "batch_size": 80},
}


def _build(cls: type[BaseEstimator], config: dict, params: dict) -> BaseEstimator:
    return cls(**{**config, **params})


def _epochs_for(iterations: int, n_samples: int, batch_size: int) -> int:
    """Epochs that make about ``iterations`` mini-batch steps on ``n_samples`` samples."""
    return max(1, math.ceil(iterations * batch_size / n_samples))


# ------------------------------------------------------------------------------------- DDC

#: What every DDC paper does and the package's defaults need not: He initialisation, and the
#: lowest-loss run as the result (DDC-VOTE is a separate row of the DDC paper: ``vote=3``).
DDC_PAPERS = {"weight_init": "he", "vote": 1}


def ddc(data: str = "image", *, n_clusters: int = 10, n_samples: int = 70_000,
        **params) -> DDC:
    r"""DDC as in Kampffmeyer et al. (2019), §4.6, Table 1 (and the ablation, Table 2).

    Images: the LeNet-style CNN (``encoder="lenet"``: conv 32@5x5, max-pool, ReLU, conv 64@5x5,
    max-pool, ReLU) and learning rate :math:`10^{-3}`; vectors: the MLP 200-200 with the
    500-unit batch-normalised layer as the head's hidden layer and learning rate
    :math:`10^{-5}`. Adam, mini-batches of 100, 70 000 iterations (``max_epochs`` from
    ``n_samples``: 100 epochs on 70 000 images), 20 runs with the lowest-loss run reported.
    The loss is the paper's Eq. 4: Cauchy-Schwarz terms normalised by :math:`1/k`
    (``cs_normalization="clusters"``), :math:`\mathrm{triu}(AA^\top)` as a sum
    (``orthogonality="sum"``), the three terms equally weighted (``term_weights`` runs the
    Table 2 ablation), and the kernel width "15 % of the median pairwise distance" read
    literally, :math:`\sigma = 0.15 \cdot \operatorname{median}(d)`, i.e.
    ``rel_sigma=0.0225`` on squared distances.

    Differences: the head is ``Linear -> ReLU -> BatchNorm`` (the paper's figure puts the
    normalisation before the activation); the paper clips no gradients and neither does the
    preset; selection uses the loss in inference mode over the training data.

    Parameters
    ----------
    data : {"image", "vector"}, default="image"
    n_clusters : int, default=10
    n_samples : int, default=70000
        Size of the training set, to turn 70 000 iterations into epochs.
    **params
        Any other :class:`~skdeepclust.DDC` parameter, overriding the preset.
    """
    if data not in ("image", "vector"):
        raise ValueError(f"data must be 'image' or 'vector'; got {data!r}.")
    network = ({"encoder": "lenet", "lr": 1e-3} if data == "image" else
               {"encoder": "mlp", "hidden_dims": (200, 200), "n_hidden": 500, "lr": 1e-5})
    config = {
        "n_clusters": n_clusters, **network, "rel_sigma": 0.0225, "orthogonality": "sum",
        "cs_normalization": "clusters", "term_weights": (1.0, 1.0, 1.0), "batch_size": 100,
        "max_epochs": _epochs_for(70_000, n_samples, 100), "n_init": 20,
        "clip_grad_norm": None, **DDC_PAPERS,
    }
    return _build(DDC, config, params)


def dtkc(*, n_clusters: int = 10, **params) -> DDC:
    r"""DTKC as in Trosten et al. (2019), §V, Table III.

    DDC with the small CNN (two blocks of two convolutions, 32 channels) whose first block
    output is taken *after* its max-pooling (``encoder__first_block_pooled=True``; 32x10x10 on
    28x28 images), tensor-kernel companion objectives on both blocks with
    :math:`\lambda = 0.01`, Adam with learning rate :math:`10^{-4}` (the paper's text; the
    code's default is :math:`10^{-3}`), gradient norm clipped at 10, mini-batches of 120, at
    most 100 epochs with a stop after 30 epochs without a lower loss (weights of the best
    epoch kept), 20 runs, the lowest-loss run reported ("Best"; "Mean" is the mean over the
    20 runs). The DTKC code sums the orthogonality term (``orthogonality="sum"``) and builds
    its kernels as :math:`\exp(-D / s)` with :math:`s = 0.15 \operatorname{median}(D)`,
    which is ``rel_sigma=0.075``. Data: the training split only (60 000 images), each image
    min-max scaled to [0, 1].

    Differences from the DTKC code: the tensor kernel follows the paper's maths (the code
    skips the transposition rule, which makes the channel mode of the last block constant),
    gradients are autograd's (the code's hand-written gradient of the distance matrix is
    biased), clipping is on the global norm (Keras clips each tensor).

    Differences from :func:`ddc_uco` (the UCO paper): the block layout, the orthogonality sum,
    the kernel width, 100 epochs with early stopping instead of 200 without.

    Parameters
    ----------
    n_clusters : int, default=10
    **params
        Any other :class:`~skdeepclust.DDC` parameter.
    """
    config = {
        "n_clusters": n_clusters, "encoder": "cnn", "encoder__first_block_pooled": True,
        "uco_kernel": "tensor", "uco_weight": 0.01, "uco_weighting": "constant",
        "rel_sigma": 0.075, "orthogonality": "sum", "cs_normalization": "pairs",
        "batch_size": 120, "lr": 1e-4, "clip_grad_norm": 10.0, "max_epochs": 100,
        "patience": 30, "n_init": 20, **DDC_PAPERS,
    }
    return _build(DDC, config, params)


def _recurrent_config(n_clusters: int) -> dict:
    # The DTKC appendix: the recurrent models follow Section V-A for everything but the
    # network, so the values below are dtkc()'s where the appendix does not name them.
    return {
        "n_clusters": n_clusters, "encoder": "gru", "encoder__hidden_size": 32,
        "encoder__n_layers": 2, "encoder__bidirectional": True, "n_hidden": 100,
        "rel_sigma": 0.075, "orthogonality": "sum", "cs_normalization": "pairs",
        "batch_size": 120, "lr": 1e-4, "clip_grad_norm": 10.0, "max_epochs": 100,
        "patience": 30, "n_init": 20, **DDC_PAPERS,
    }


def rddc(*, n_clusters: int = 10, **params) -> DDC:
    r"""RDDC, the recurrent DDC of the DTKC paper's Appendix A (Trosten et al., 2019), Table V.

    A two-layer bidirectional GRU (``encoder="gru"``) with hidden states of 32 units per layer
    ("the dimensionality of the hidden states for each layer was set to 32"; read as 32 units
    per direction, ``encoder__hidden_size=32``, so each layer's last hidden state has 64
    values), followed by the DDC clustering module (hidden layer of 100 units,
    §V-A). The appendix's "batch size, optimizer, epochs, runs, and bandwidth all
    follow the configuration specified in Section V-A": mini-batches of 120, Adam with
    learning rate :math:`10^{-4}`, at most 100 epochs with a stop after 30 epochs without a
    lower loss (weights of the best epoch kept), 20 runs with the lowest-loss run reported
    ("Best"; "Mean" is the mean over the 20 runs), the kernel width "15 % of the median
    pairwise distances" as :func:`dtkc` reads it (``rel_sigma=0.075``).

    The appendix is silent on the rest, which is :func:`dtkc`'s: the summed orthogonality
    term, Cauchy-Schwarz terms normalised by the number of cluster pairs (the DTKC paper's
    §III-B), gradient norm clipped at 10, He initialisation of the clustering
    module (the GRU keeps PyTorch's initialisation: He et al.'s rule is for rectified
    layers). Data: sequences of any length, as a list of ``(length_i, channels)`` arrays or
    a NaN-padded 3-D array (see :class:`~skdeepclust.DDC`); the appendix's sets (Character
    Trajectories, Arabic Digits) are of variable length.

    Parameters
    ----------
    n_clusters : int, default=10
    **params
        Any other :class:`~skdeepclust.DDC` parameter, overriding the preset.

    Returns
    -------
    model : DDC
        Unfitted.

    See Also
    --------
    rdtkc : The same network and protocol with companion objectives on the GRU layers.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeepclust import presets
    >>> model = presets.rddc(n_clusters=4)
    >>> model.encoder, model.lr, model.batch_size, model.max_epochs, model.n_init
    ('gru', 0.0001, 120, 100, 20)
    >>> params = model.get_params()
    >>> params["encoder__hidden_size"], params["encoder__n_layers"]
    (32, 2)

    Sequences of different lengths as a list (two epochs and one run, to be quick):

    >>> rng = np.random.RandomState(0)
    >>> X = [rng.randn(rng.randint(20, 40), 3) for _ in range(30)]
    >>> presets.rddc(n_clusters=2, max_epochs=2, n_init=1, random_state=0).fit_predict(X).shape
    (30,)
    """
    config = {**_recurrent_config(n_clusters), "uco_kernel": None}
    return _build(DDC, config, params)


def rdtkc(*, n_clusters: int = 10, **params) -> DDC:
    r"""RDTKC, the recurrent DTKC of the DTKC paper's Appendix A (Trosten et al., 2019), Table V.

    :func:`rddc` plus the unsupervised companion objectives on the GRU: one per layer, on
    the layer's last hidden state, the Gaussian kernel
    :math:`\kappa^l_{ij} = \exp(-\lVert h^l_{i,T} - h^l_{j,T} \rVert^2 / (2\sigma^2))`
    ("the regular Gaussian kernel was therefore used", because the blocks are vectors:
    ``uco_kernel="naive"``), weighted by :math:`\lambda = 0.01` ("set to 0.01 for all
    experiments", §V-A) with the same weight on both layers. The last hidden
    state of a bidirectional layer is the forward state after the last observed step with
    the backward state after the first (see :class:`~skdeepclust.nn.encoders.GRUEncoder`).
    Everything else is :func:`rddc`'s.

    Parameters
    ----------
    n_clusters : int, default=10
    **params
        Any other :class:`~skdeepclust.DDC` parameter, overriding the preset.

    Returns
    -------
    model : DDC
        Unfitted.

    See Also
    --------
    rddc : The same network and protocol without companion objectives.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeepclust import presets
    >>> model = presets.rdtkc(n_clusters=4)
    >>> model.encoder, model.uco_kernel, model.uco_weight, model.lr
    ('gru', 'naive', 0.01, 0.0001)

    A NaN-padded 3-D array (tslearn's layout) reads the same as a list of the sequences:

    >>> rng = np.random.RandomState(0)
    >>> X = np.full((30, 40, 3), np.nan)
    >>> for i, length in enumerate(rng.randint(20, 41, size=30)):
    ...     X[i, :length] = rng.randn(length, 3)
    >>> presets.rdtkc(n_clusters=2, max_epochs=2, n_init=1, random_state=0).fit_predict(X).shape
    (30,)
    """
    config = {**_recurrent_config(n_clusters), "uco_kernel": "naive", "uco_weight": 0.01,
              "uco_weighting": "constant"}
    return _build(DDC, config, params)


def _uco_paper_config(n_clusters: int) -> dict:
    return {
        "n_clusters": n_clusters, "encoder": "cnn", "rel_sigma": 0.15,
        "orthogonality": "mean", "cs_normalization": "pairs", "batch_size": 120,
        "clip_grad_norm": 10.0, "max_epochs": 200, "n_init": 20, **DDC_PAPERS,
    }


def ddc_uco(kernel: str | None = "tensor", *, n_clusters: int = 10, **params) -> DDC:
    r"""DDC-UCO_T, DDC-UCO_N and the UCO paper's DDC, Trosten et al. (2021), Table 2.

    The small CNN with the first block output before its max-pooling (32x20x20 on 28x28
    images), companion objectives on both blocks with :math:`\lambda = 0.01` and constant
    block weights, the kernel width :math:`\sigma^2 = 0.15 \operatorname{median}(D)`, the
    authors' normalisations (mean over cluster pairs and over sample pairs), Adam with
    learning rate :math:`10^{-4}` (:math:`10^{-3}` for the plain DDC, ``kernel=None``),
    gradient norm clipped at 10, mini-batches of 120, 200 epochs, 20 runs with the lowest-loss
    run reported. Data: train and test split together (70 000 images for MNIST), scaled to
    [-1, 1].

    Differences from the authors' code: their checkpoint is the lowest inference-mode loss
    evaluated every 4 epochs; here the weights of the lowest training-loss epoch are kept and
    runs are compared by their inference-mode loss. The tensor kernel follows the paper's
    maths (see :func:`dtkc`).

    Parameters
    ----------
    kernel : {"tensor", "naive", None}, default="tensor"
        DDC-UCO_T, DDC-UCO_N, or the plain DDC of the paper's tables.
    n_clusters : int, default=10
    **params
        Any other :class:`~skdeepclust.DDC` parameter.
    """
    config = {**_uco_paper_config(n_clusters), "uco_kernel": kernel, "uco_weight": 0.01,
              "uco_weighting": "constant", "lr": 1e-4 if kernel is not None else 1e-3}
    return _build(DDC, config, params)


def ddc_ae(*, n_clusters: int = 10, **params) -> DDC:
    r"""DDC-AE of the UCO paper, Trosten et al. (2021), Tables 2-3.

    :func:`ddc_uco`'s network and protocol without companion objectives, with a decoder that
    mirrors the CNN and :math:`0.1` times the mean squared reconstruction error in the loss,
    learning rate :math:`10^{-3}`.

    Parameters
    ----------
    n_clusters : int, default=10
    **params
        Any other :class:`~skdeepclust.DDC` parameter.
    """
    config = {**_uco_paper_config(n_clusters), "uco_kernel": None,
              "reconstruction_weight": 0.1, "lr": 1e-3}
    return _build(DDC, config, params)


# ------------------------------------------------------------------------------ CM, AE-CM

def _table_row(table: dict, dataset: str, name: str) -> dict:
    if dataset not in table:
        raise ValueError(
            f"{name} has no paper setting for dataset {dataset!r}; choose from "
            f"{sorted(table)} or pass the hyper-parameters yourself."
        )
    return dict(table[dataset])


def aecm(dataset: str = "mnist", *, init: str = "random", n_clusters: int = 10,
         **params) -> AECM:
    r"""AE-CM as in Boubekki et al. (2021), §5.3 and Appendix, Table 5.

    Deep autoencoder ``d-500-500-2000-p`` with leaky ReLU (slope 0.2), the loss summed over
    each mini-batch (``reduction="sum"``) with the dataset's :math:`\alpha, \beta, \lambda, B,
    p` from Table 13, Adam with learning rate :math:`10^{-3}` and
    :math:`\epsilon = 10^{-3}` (the authors' optimiser), 150 epochs plus the averaging epoch
    (the appendix; §5.1 and the authors' code say 1 000 epochs, set ``max_epochs=1000`` for
    that reading). Table 5 reports the mean of 20 single runs, so ``n_init=1``: average over
    seeds to compare.

    ``init="random"`` is AE-CM^r. ``init="k-means"`` is AE-CM^p: the autoencoder is first
    trained alone for 100 epochs with SGD as the authors' code does (learning rate 0.01,
    momentum 0.9, mini-batches of 256; Fashion-MNIST momentum 0, CIFAR-10 and Pendigits
    learning rate :math:`10^{-3}`, 20 Newsgroups 1), then the CM starts from k-means on the
    codes (the paper's "k-means++ on the embedded dataset": the code runs a full k-means;
    ``"k-means++"`` is the seeding alone), then the CM is trained alone on the frozen codes
    for 100 epochs with the joint phase's Adam, then the joint phase. The authors' pretraining
    loss sums the per-sample mean squared error over the mini-batch, the package's averages
    it, so the SGD learning rate here is theirs times the batch size (256), which gives the
    same steps.

    Parameters
    ----------
    dataset : str, default="mnist"
        A row of Table 13: ``"mnist"``, ``"fashion_mnist"``, ``"usps"``, ``"cifar10"``,
        ``"reuters10k"``, ``"20news"``, ``"10x73k"``, ``"pendigits"``.
    init : {"random", "k-means", "k-means++"}, default="random"
    n_clusters : int, default=10
    **params
        Any other :class:`~skdeepclust.AECM` parameter, overriding the preset.
    """
    setting = _table_row(AECM_TABLE_13, dataset, "aecm")
    pretrain: dict = {"pretrain_epochs": 0}
    if init != "random":
        momentum = 0.0 if dataset == "fashion_mnist" else 0.9
        rate = {"cifar10": 1e-3, "pendigits": 1e-3, "20news": 1.0}.get(dataset, 0.01)
        pretrain = {"pretrain_epochs": 100, "pretrain_lr": rate * 256, "pretrain_batch_size": 256,
                    "pretrain_optimizer": torch.optim.SGD, "pretrain_optimizer__momentum": momentum}
    config = {
        "n_clusters": n_clusters, "hidden_dims": (500, 500, 2000), "negative_slope": 0.2,
        "reduction": "sum", "init": init, "averaging_epoch": True, "n_init": 1,
        "max_epochs": 150, "lr": 1e-3, "optimizer__eps": 1e-3, **setting, **pretrain,
    }
    return _build(AECM, config, params)


def cm(dataset: str = "mnist", *, init: str = "random", n_clusters: int = 10,
       **params) -> ClusteringModule:
    r"""The clustering module as in Boubekki et al. (2021), §5.2, Table 1.

    Loss summed over each mini-batch with Table 12's :math:`\alpha` and batch size, Adam
    (learning rate :math:`10^{-3}`, :math:`\epsilon = 10^{-3}`), 150 epochs plus the averaging
    epoch; ``init="random"`` is CM^r, ``init="k-means++"`` CM^p. Table 1 reports the mean of 20
    single runs, so ``n_init=1``.

    Parameters
    ----------
    dataset : str, default="mnist"
        A row of Table 12 (same names as :func:`aecm`).
    init : {"random", "k-means++"}, default="random"
    n_clusters : int, default=10
    **params
        Any other :class:`~skdeepclust.ClusteringModule` parameter.
    """
    setting = _table_row(CM_TABLE_12, dataset, "cm")
    config = {"n_clusters": n_clusters, "reduction": "sum", "init": init,
              "averaging_epoch": True, "n_init": 1, "max_epochs": 150, "lr": 1e-3,
              "optimizer__eps": 1e-3, **setting}
    return _build(ClusteringModule, config, params)




# ------------------------------------------------------------------------- DCN, ACe/DeC


def dcn(*, n_clusters: int = 10, **params) -> DCN:
    r"""DCN as in Yang et al. (2017), the authors' MNIST script.

    Autoencoder ``d-500-500-2000-10`` with ReLU, pretrained end to end for 250 epochs and
    trained with the k-means term for 50 epochs, both with Nesterov momentum SGD (learning
    rate :math:`10^{-4}`, momentum 0.9), mini-batches of 256, centroid counts starting at 100.
    The script weighs the squared reconstruction error and the squared distance to the
    centroid by 1 each, which is ``cluster_weight=2`` in this package's
    :math:`\lambda / 2` form. ACe/DeC's Table 1 tunes :math:`\lambda` per data set;
    override ``cluster_weight`` for its rows.

    Differences from the authors' code: untied decoder weights (the code ties them); no
    greedy layer-wise pretraining before the end-to-end one; biases at the same learning
    rate (the code doubles it); shuffled batches (the code iterates in a fixed order).

    Parameters
    ----------
    n_clusters : int, default=10
    **params
        Any other :class:`~skdeepclust.DCN` parameter.
    """
    sgd = {"momentum": 0.9, "nesterov": True}
    config = {
        "n_clusters": n_clusters, "hidden_dims": (500, 500, 2000), "n_embed": 10,
        "activation": "relu", "cluster_weight": 2.0, "pretrain_epochs": 250,
        "pretrain_lr": 1e-4, "pretrain_optimizer": torch.optim.SGD, "pretrain_noise": 0.0,
        "pretrain_warmup": 0, "pretrain_decay": "none", "max_epochs": 50, "lr": 1e-4,
        "optimizer": torch.optim.SGD, "batch_size": 256, "initial_count": 100, "n_init": 1,
        "clip_grad_norm": None,
        **{f"optimizer__{k}": v for k, v in sgd.items()},
        **{f"pretrain_optimizer__{k}": v for k, v in sgd.items()},
    }
    return _build(DCN, config, params)


def acedec(dataset: str = "image", *, n_clusters: int = 10, n_samples: int = 70_000,
           n_features: int | None = None, **params) -> ACeDeC:
    r"""ACe/DeC + DCN as in Miklautz et al. (2021), §3, Table 1.

    Images: the autoencoder ``d-500-500-2000-10`` (the paper's "pretrained fully connected AEs
    with d = 10 following Xie et al."), pretrained for 100 epochs with Adam
    (:math:`10^{-3}`, mini-batches of 128; the supplement with the paper's exact budget is
    not available, these are the authors' library defaults), leaky ReLU (slope 0.01), then
    150 epochs of clustering with Adam :math:`10^{-4}` (the weight logits at 10 times that);
    the initial estimate of :math:`V` and :math:`\beta` trains for 20 000 mini-batch
    iterations (``init_epochs`` from ``n_samples``). ``dataset="synth25"``: a single-layer
    linear autoencoder with ``n_embed`` = number of features (27) as in the paper's SYNTH-25
    rows. Table 1 reports the mean NMI over 10 pretrained autoencoders (20 for SYNTH-25):
    one run per seed. The paper does not balance the autoencoder (``balance=False``), weighs
    the three terms of Eq. 5 equally (``cluster_weight=1``) and updates the centroids by
    mini-batch k-means running means (``centroid_update="running_mean"``).

    Parameters
    ----------
    dataset : {"image", "synth25"}, default="image"
    n_clusters : int, default=10
        SYNTH-25 has 4 clusters.
    n_samples : int, default=70000
        Size of the training set, to turn 20 000 iterations into ``init_epochs``.
    n_features : int or None, default=None
        Input dimension for ``dataset="synth25"`` (default 27).
    **params
        Any other :class:`~skdeepclust.ACeDeC` parameter.
    """
    if dataset not in ("image", "synth25"):
        raise ValueError(f"dataset must be 'image' or 'synth25'; got {dataset!r}.")
    network = ({"hidden_dims": (500, 500, 2000), "n_embed": 10} if dataset == "image" else
               {"hidden_dims": (), "n_embed": n_features or 27})
    batch_size = 256
    config = {
        "n_clusters": n_clusters, **network, "activation": "leaky_relu", "balance": False,
        "pretrain_epochs": 100, "pretrain_lr": 1e-3, "pretrain_batch_size": 128,
        "pretrain_optimizer": torch.optim.Adam, "pretrain_noise": 0.0, "pretrain_warmup": 0,
        "pretrain_decay": "none", "init_epochs": _epochs_for(20_000, n_samples, batch_size),
        "cluster_weight": 1.0, "centroid_update": "running_mean",
        "max_epochs": 150, "lr": 1e-4, "optimizer": torch.optim.Adam,
        "batch_size": batch_size, "n_init": 1, "clip_grad_norm": None,
    }
    return _build(ACeDeC, config, params)


# ------------------------------------------------------------------------------ DEC family


def _dec_paper_autoencoder() -> dict:
    return {
        "encoder": "mlp", "hidden_dims": (500, 500, 2000), "n_embed": 10,
        "pretrain_epochs": 300, "pretrain_lr": 1.0, "pretrain_optimizer": torch.optim.SGD,
        "pretrain_optimizer__momentum": 0.9, "pretrain_noise": 0.0, "pretrain_warmup": 0,
        "pretrain_decay": "none", "batch_size": 256, "embedding_scale": None, "tol": 1e-3,
        "update_interval": 1, "n_init": 1, "clip_grad_norm": None,
    }


def dec(*, n_clusters: int = 10, n_samples: int = 70_000, **params) -> DEC:
    r"""DEC as in Xie et al. (2016) through the authors' Keras code (MNIST settings).

    Autoencoder ``d-500-500-2000-10`` pretrained end to end for 300 epochs with SGD (learning
    rate 1, momentum 0.9), then k-means and the KL phase with SGD (learning rate 0.01,
    momentum 0.9), mini-batches of 256, at most 20 000 iterations (``max_epochs`` from
    ``n_samples``), the target refreshed every epoch and a stop when fewer than 0.1 % of the
    labels change. Data: train and test together, divided by 255.

    Differences: the code refreshes the target every 140 mini-batches (about half an epoch on
    70 000 images), here every epoch (the package counts epochs); the paper's greedy
    layer-wise denoising pretraining is not done (neither does the Keras code). The linear
    layers are initialised as in the Keras code.

    Parameters
    ----------
    n_clusters : int, default=10
    n_samples : int, default=70000
        Size of the training set, to turn 20 000 iterations into epochs.
    **params
        Any other :class:`~skdeepclust.DEC` parameter.
    """
    config = {"n_clusters": n_clusters, **_dec_paper_autoencoder(), "lr": 0.01,
              "optimizer": torch.optim.SGD, "optimizer__momentum": 0.9,
              "max_epochs": _epochs_for(20_000, n_samples, 256)}
    return _build(DEC, config, params)


def idec(*, n_clusters: int = 10, n_samples: int = 70_000, **params) -> IDEC:
    r"""IDEC as in Guo et al. (2017), the authors' MNIST settings.

    :func:`dec`'s autoencoder and pretraining, then the KL phase with the reconstruction kept
    (:math:`\gamma = 0.1`) and Adam (learning rate :math:`10^{-3}`); the rest as :func:`dec`.

    Parameters
    ----------
    n_clusters : int, default=10
    n_samples : int, default=70000
    **params
        Any other :class:`~skdeepclust.IDEC` parameter.
    """
    config = {"n_clusters": n_clusters, **_dec_paper_autoencoder(), "gamma": 0.1,
              "lr": 1e-3, "optimizer": torch.optim.Adam,
              "max_epochs": _epochs_for(20_000, n_samples, 256)}
    return _build(IDEC, config, params)


def _uco_dec_config(n_clusters: int, uco_kernel: str | None) -> dict:
    return {
        "n_clusters": n_clusters, "encoder": "cnn", "n_embed": 10, "pretrain_epochs": 200,
        "pretrain_lr": 1e-3, "pretrain_optimizer": torch.optim.Adam, "pretrain_noise": 0.0,
        "pretrain_warmup": 0, "pretrain_decay": "none", "batch_size": 256,
        "embedding_scale": None, "update_interval": 140, "tol": 0.0, "max_epochs": 400,
        "lr": 1e-3 if uco_kernel is None else 1e-4, "optimizer": torch.optim.Adam,
        "clip_grad_norm": 10.0, "uco_kernel": uco_kernel, "uco_weight": 0.01,
        "uco_weighting": "constant", "rel_sigma": 0.15, "n_init": 1,
    }


def dec_conv(uco_kernel: str | None = None, *, n_clusters: int = 10, **params) -> DEC:
    r"""DEC-Conv and DEC-Conv-UCO_T/UCO_N of the UCO paper, Trosten et al. (2021), Table 5.

    The small CNN with a linear 10-unit bottleneck and a transposed-CNN decoder, pretrained
    for 200 epochs (Adam :math:`10^{-3}`, mini-batches of 256), then 400 epochs of the KL
    phase with Adam (:math:`10^{-3}`; :math:`10^{-4}` with companion objectives, weight 0.01
    on both blocks), gradient norm clipped at 10, the target refreshed every 140 epochs (the
    authors' code counts epochs here), no tolerance stop.

    As in the authors' code, the decoder starts with a dense layer (ReLU) back to the CNN's
    output size; the embedding is not rescaled (``embedding_scale=None``). Differences: the
    package's initialisation, global instead of per-tensor gradient clipping.

    Parameters
    ----------
    uco_kernel : {None, "tensor", "naive"}, default=None
        DEC-Conv, DEC-Conv-UCO_T or DEC-Conv-UCO_N.
    n_clusters : int, default=10
    **params
        Any other :class:`~skdeepclust.DEC` parameter.
    """
    return _build(DEC, _uco_dec_config(n_clusters, uco_kernel), params)


def dcec(*, n_clusters: int = 10, **params) -> IDEC:
    r"""DCEC as the UCO paper runs it, Trosten et al. (2021), Table 5.

    :func:`dec_conv` with the decoder kept during clustering and the loss
    :math:`\mathrm{KL} + 10 \cdot \mathrm{MSE}` (``gamma=0.1``), i.e. the convolutional IDEC
    of the UCO paper's code. This is not the strided convolutional autoencoder of the DCEC
    paper (Guo et al., 2017).

    Parameters
    ----------
    n_clusters : int, default=10
    **params
        Any other :class:`~skdeepclust.IDEC` parameter.
    """
    config = {**_uco_dec_config(n_clusters, None), "gamma": 0.1}
    return _build(IDEC, config, params)


#: Preset name -> function returning the configured estimator.
PRESETS: dict[str, Callable[..., BaseEstimator]] = {
    "ddc": ddc, "dtkc": dtkc, "ddc_uco": ddc_uco, "ddc_ae": ddc_ae, "rddc": rddc,
    "rdtkc": rdtkc, "cm": cm, "aecm": aecm, "dcn": dcn, "acedec": acedec, "dec": dec,
    "idec": idec, "dec_conv": dec_conv, "dcec": dcec,
}
