"""Every benchmark protocol, as data.

``defaults`` protocols measure the package as a user gets it (RESULTS.md's main tables);
``paper`` protocols run a paper's configuration through :mod:`skdeepclust.presets`;
``control`` protocols isolate one factor behind a claim. Add a protocol here, run it with
``python benchmarks/run.py run NAME``, and regenerate RESULTS.md with
``python benchmarks/run.py report``.

Paper protocols that need a GPU are one command each, e.g.
``python benchmarks/run.py run dtkc-fashion-paper --device cuda``. The time-series protocols
(``*-series``: the recurrent presets against KMeans and tslearn's ``TimeSeriesKMeans``) are
sized for a CPU and need the ``bench`` extra (aeon, tslearn) for their data.
"""

from __future__ import annotations

from harness import SERIES_SETS, Method, Protocol

PROTOCOLS: dict[str, Protocol] = {}


def add(protocol: Protocol) -> Protocol:
    if protocol.name in PROTOCOLS:
        raise ValueError(f"duplicate protocol {protocol.name!r}")
    if any("," in m.label for m in protocol.methods):
        raise ValueError("method labels must not contain commas (--methods splits on them)")
    PROTOCOLS[protocol.name] = protocol
    return protocol


# ------------------------------------------------------------------ package defaults

#: The main job's methods at their defaults (``python -m skdeepclust``), one table per dataset.
DEFAULT_METHODS = (
    Method("KMeans", "kmeans"),
    Method("GaussianMixture", "gmm"),
    Method("DDC", "ddc"),
    Method("ClusteringModule", "cm"),
    Method("AECM", "aecm"),
    Method("DCN", "dcn"),
    Method("ACeDeC", "acedec"),
    Method("DEC", "dec"),
    Method("IDEC", "idec"),
)

for _dataset, _title, _n_seeds in [
    ("digits", "digits (1 797 8x8 images, 10 classes)", 5),
    ("iris", "iris (150 x 4, 3 classes, standardised)", 5),
    ("wine", "wine (178 x 13, 3 classes, standardised)", 5),
    ("breast_cancer", "breast cancer (569 x 30, 2 classes, standardised)", 5),
    ("mnist5k", "MNIST-5k (the first 5 000 MNIST training images)", 3),
]:
    add(Protocol(name=f"{_dataset}-defaults", title=_title, dataset=_dataset,
                 methods=DEFAULT_METHODS, n_seeds=_n_seeds))


# ------------------------------------------------------------------ controls

add(Protocol(
    name="synth25-balance",
    title="SYNTH-25: what ACe/DeC's split adds once DCN gets the same balanced autoencoder",
    dataset="synth25",
    kind="control",
    methods=(
        Method("KMeans (raw data)", "kmeans"),
        Method("DCN", "dcn"),
        Method("DCN + balanced autoencoder", "dcn", {"balance": True}),
        Method("ACeDeC (balanced: its default)", "acedec"),
        Method("ACeDeC without balancing", "acedec", {"balance": False}),
    ),
    n_seeds=5,
    reference={"ACeDeC (balanced: its default)": "ACe/DeC paper Table 1: NMI 1.00",
               "DCN": "ACe/DeC paper Table 1: NMI 0.17-0.29 (lambda 0.1-10)",
               "KMeans (raw data)": "ACe/DeC paper Table 1: NMI 0.90"},
    notes="The package defaults for a 27-feature table: a single-layer linear autoencoder "
          "with a 27-dimensional code (the paper's SYNTH-25 setting). Balancing makes the "
          "code a rotation of the centred data, where k-means is as good as on the raw data; "
          "the control gives DCN the same code, and takes it away from ACeDeC.",
))

for _dataset in ("iris", "wine", "breast_cancer"):
    add(Protocol(
        name=f"lsp-{_dataset}",
        title=f"L_sp run selection on {_dataset} (AE-CM paper Tables 4 and 7 protocol)",
        dataset=_dataset,
        kind="control",
        methods=(Method("CM^r", "cm", {"n_init": 10}),
                 Method("AE-CM^r", "aecm", {"n_init": 10, "init": "random",
                                                "pretrain_epochs": 0})),
        n_seeds=2,
        # Counted from the paper's Tables 4 and 7 (its eight image and text sets).
        reference={"CM^r": "Table 4: above the mean on 6 of 8 sets (CM^p: 4 of 8)",
                   "AE-CM^r": "Table 7: above the mean on 6 of 8 sets (AE-CM^p: 3 of 8)"},
        notes="10 restarts per fit, the lowest L_sp = E2 + E3 kept; package defaults for "
              "small tables (AE-CM: the paper's UCI architecture d-2k-d).",
    ))

add(Protocol(
    name="rofm-mnist5k",
    title="R-OFM of DDC-AE and DDC-UCO_T (UCO paper Table 3), CPU protocol",
    dataset="mnist5k",
    kind="control",
    subsample=2000,
    preprocessing="symmetric",
    methods=(
        Method("DDC-AE", "preset:ddc_ae", {"max_epochs": 40, "n_init": 1}),
        Method("DDC-UCO_T", "preset:ddc_uco", {"kernel": "tensor", "max_epochs": 40,
                                               "n_init": 1}),
    ),
    n_seeds=2,
    trace_every=2,
    reference={"DDC-AE": "UCO paper Table 3 (MNIST): slope -0.092, R2 0.370",
               "DDC-UCO_T": "UCO paper Table 3 (MNIST): slope -0.816, R2 0.573"},
    notes="The UCO paper's networks, weights and learning rates (presets ddc_ae, ddc_uco) on "
          "2 000 MNIST-5k images scaled to [-1, 1], 40 epochs instead of 200, one run per "
          "seed. R-OFM is fitted per run on the 20 points recorded every 2 epochs: the "
          "auxiliary loss unweighted (sum of the companion terms d_cs(A, K_b), or the mean "
          "squared reconstruction error) against ACC in [0, 1].",
))


add(Protocol(
    name="aecm-scaling",
    title="AECM fit time against n: its defaults on half of MNIST-5k",
    dataset="mnist5k",
    kind="control",
    subsample=2500,
    methods=(Method("AECM (2 500 images)", "aecm"),),
    n_seeds=3,
    notes="The package defaults on a stratified half of MNIST-5k, the same seeds as the "
          "MNIST-5k defaults table: its AECM row (5 000 images) against this row shows how "
          "the fit time grows with n (every phase makes passes over the data, so linearly).",
))


add(Protocol(
    name="acedec-fashion5k",
    title="ACeDeC and DCN on Fashion-5k: the clustering phase against its start",
    dataset="fashion_mnist",
    kind="control",
    subsample=5000,
    methods=(Method("DCN", "dcn"), Method("ACeDeC", "acedec")),
    n_seeds=5,
    trace_every=5,
    reference={"ACeDeC": "ACe/DeC paper Table 1 (full Fashion-MNIST, no augmentation): NMI 0.62",
               "DCN": "ACe/DeC paper Table 1: NMI 0.62 (lambda 0.1), 0.55 (lambda 1)"},
    notes="The package defaults on a stratified 5 000-image subsample of Fashion-MNIST. Epoch 0 "
          "of the trace is the partition the clustering phase starts from (after each method's "
          "initialisation); the phase should not make it worse.",
))


# ------------------------------------------------------------------ AE-CM paper

add(Protocol(
    name="aecm-fashion-paper",
    title="AE-CM^r on the full Fashion-MNIST (AE-CM paper, Table 5)",
    dataset="fashion_mnist",
    kind="paper",
    methods=(Method("AE-CM^r", "preset:aecm", {"dataset": "fashion_mnist"}),),
    n_seeds=20,
    trace_every=10,
    reference={"AE-CM^r": "paper Table 5: ACC 0.592, NMI 0.556, ARI 0.437 (mean of 20 runs)"},
    notes="All 70 000 images in [0, 1], the appendix's 150 epochs with Table 13's "
          "alpha=13, beta=47, lambda=1, B=175, p=10, Adam(1e-3, eps=1e-3), one run per seed "
          "(the paper averages 20 single runs; a CPU affords 2, run in the background). The "
          "trace records ACC every 10 epochs.",
))

add(Protocol(
    name="aecm-mnist5k-epochs",
    title="AE-CM^r for 1 000 epochs on MNIST-5k: how ACC moves past 150 epochs",
    dataset="mnist5k",
    kind="investigation",
    doc="docs/methods/aecm.md",
    methods=(Method("AE-CM^r", "preset:aecm", {"dataset": "mnist", "max_epochs": 1000}),),
    n_seeds=2,
    trace_every=25,
    reference={"AE-CM^r": "paper Table 5 (full MNIST, 70 000 images): ACC 0.861"},
    notes="Table 13's MNIST setting (alpha=230, beta=5, lambda=1, B=500) on the 5 000 "
          "images of MNIST-5k (not comparable with the 70 000-image table), for the 1 000 "
          "epochs of §5.1 and the authors' code; ACC traced every 25 epochs.",
))

add(Protocol(
    name="aecm-mnist5k-paper",
    title="AE-CM^r and AE-CM^p with the paper's optimiser on MNIST-5k",
    dataset="mnist5k",
    kind="paper",
    methods=(Method("AE-CM^r", "preset:aecm", {"dataset": "mnist"}),
             Method("AE-CM^p", "preset:aecm", {"dataset": "mnist", "init": "k-means"})),
    n_seeds=3,
    reference={"AE-CM^r": "paper Table 5 (full MNIST): ACC 0.861",
               "AE-CM^p": "paper Table 5 (full MNIST): ACC 0.865"},
    notes="Table 13's MNIST setting, 150 epochs, Adam eps=1e-3; AE-CM^p pretrains with SGD "
          "(the authors' lr 0.01 on a batch sum, momentum 0.9) for 100 epochs, starts the CM "
          "from k-means on the codes and trains it alone for 100 epochs before the joint "
          "phase. 5 000 images: not comparable with the paper's 70 000-image table.",
))


# ------------------------------------------------------------------ GPU paper protocols

add(Protocol(
    name="dtkc-fashion-paper",
    title="DTKC and its DDC on Fashion-MNIST (DTKC paper, Table III)",
    dataset="fashion_mnist_train",
    preprocessing="per_sample_minmax",
    kind="paper",
    methods=(Method("DTKC", "preset:dtkc"),
             Method("DDC (DTKC protocol)", "preset:dtkc", {"uco_kernel": None})),
    n_seeds=1,
    reference={"DTKC": "Table III: best ACC 0.63, mean 0.56; NMI best 0.55, mean 0.50",
               "DDC (DTKC protocol)": "Table III: best ACC 0.58, mean 0.55"},
    notes="The 60 000 training images, each min-max scaled; one fit makes the paper's 20 "
          "runs and keeps the lowest-loss one ('Best'); the rows' restart ACCs give 'Mean'. "
          "GPU: python benchmarks/run.py run dtkc-fashion-paper --device cuda",
))

add(Protocol(
    name="uco-fashion-paper",
    title="DDC, DDC-AE, DDC-UCO_N, DDC-UCO_T on Fashion-MNIST (UCO paper, Table 2)",
    dataset="fashion_mnist",
    preprocessing="symmetric",
    kind="paper",
    methods=(
        Method("DDC", "preset:ddc_uco", {"kernel": None}),
        Method("DDC-AE", "preset:ddc_ae"),
        Method("DDC-UCO_N", "preset:ddc_uco", {"kernel": "naive"}),
        Method("DDC-UCO_T", "preset:ddc_uco", {"kernel": "tensor"}),
    ),
    n_seeds=1,
    trace_every=4,
    reference={"DDC": "Table 2: ACC 0.486, NMI 0.443", "DDC-AE": "Table 2: ACC 0.603",
               "DDC-UCO_N": "Table 2: ACC 0.655", "DDC-UCO_T": "Table 2: ACC 0.653, "
               "NMI 0.592; Table 3 R-OFM slope -0.186, R2 0.712"},
    notes="All 70 000 images scaled to [-1, 1]; one fit makes the 20 runs and keeps the "
          "lowest-loss one, as the paper reports. The trace (every 4 epochs, as the authors' "
          "code) gives R-OFM for Table 3. GPU: python benchmarks/run.py run "
          "uco-fashion-paper --device cuda",
))

add(Protocol(
    name="dec-fashion-paper",
    title="DEC-Conv, DCEC, DEC-Conv-UCO_N/T on Fashion-MNIST (UCO paper, Table 5)",
    dataset="fashion_mnist",
    preprocessing="symmetric",
    kind="paper",
    methods=(
        Method("DEC-Conv", "preset:dec_conv"),
        Method("DCEC", "preset:dcec"),
        Method("DEC-Conv-UCO_N", "preset:dec_conv", {"uco_kernel": "naive"}),
        Method("DEC-Conv-UCO_T", "preset:dec_conv", {"uco_kernel": "tensor"}),
    ),
    n_seeds=5,
    reference={"DEC-Conv": "Table 5: ACC 0.547", "DCEC": "Table 5: ACC 0.543",
               "DEC-Conv-UCO_N": "Table 5: ACC 0.570", "DEC-Conv-UCO_T": "Table 5: ACC 0.598"},
    notes="All 70 000 images scaled to [-1, 1]; 200 pretraining + 400 clustering epochs. "
          "GPU: python benchmarks/run.py run dec-fashion-paper --device cuda",
))

add(Protocol(
    name="acedec-fashion-paper",
    title="ACe/DeC + DCN and DCN on Fashion-MNIST (ACe/DeC paper, Table 1)",
    dataset="fashion_mnist",
    kind="paper",
    methods=(
        Method("ACe/DeC+DCN", "preset:acedec"),
        Method("DCN (lambda=0.1)", "preset:dcn", {"cluster_weight": 0.1}),
    ),
    n_seeds=10,
    reference={"ACe/DeC+DCN": "Table 1: NMI 0.62 +- 0.00 (10 autoencoders)",
               "DCN (lambda=0.1)": "Table 1: NMI 0.62 +- 0.02"},
    notes="All 70 000 images in [0, 1]; one autoencoder per seed. GPU: python "
          "benchmarks/run.py run acedec-fashion-paper --device cuda",
))

add(Protocol(
    name="cm-fashion-paper",
    title="CM^r on the full Fashion-MNIST (AE-CM paper, Table 1)",
    dataset="fashion_mnist",
    kind="paper",
    methods=(Method("CM^r", "preset:cm", {"dataset": "fashion_mnist"}),),
    n_seeds=20,
    reference={"CM^r": "Table 1: ACC 0.620, NMI 0.540, ARI 0.423 (mean of 20 runs)"},
    notes="Table 12's alpha=80, B=35, 150 epochs plus the averaging epoch, one run per seed.",
))


# ------------------------------------------------------------------ time series (DTKC appendix)

#: Restarts of RDDC and RDTKC in the CPU protocols (the paper: 20, lowest loss kept).
SERIES_N_INIT = 5

#: The recurrent models of the DTKC appendix against the usual series baselines.
SERIES_PROTOCOL_METHODS = (
    Method("KMeans (flattened)", "kmeans"),
    Method("TimeSeriesKMeans (euclidean)", "ts_kmeans", {"metric": "euclidean", "n_init": 10}),
    Method("TimeSeriesKMeans (DTW)", "ts_kmeans", {"metric": "dtw", "n_init": 3}),
    Method("RDDC", "preset:rddc", {"n_init": SERIES_N_INIT}),
    Method("RDTKC", "preset:rdtkc", {"n_init": SERIES_N_INIT}),
)

_SERIES_NOTES = (
    "{data} Train and test splits together; each series z-normalised per channel over its "
    "own steps. RDDC and RDTKC are the presets rddc and rdtkc (the DTKC appendix's network "
    "and Section V-A protocol: 100 epochs with patience 30, mini-batches of 120, Adam 1e-4, "
    "lambda 0.01) with {n_init} restarts instead of 20 to fit a CPU, the lowest-loss one "
    "kept; every run keeps the paper's epochs. KMeans and TimeSeriesKMeans (euclidean) take "
    "10 initialisations, TimeSeriesKMeans (DTW) 3 (its DBA barycentres are the costly part); "
    "tslearn's defaults otherwise. The DTKC appendix reports Character Trajectories and "
    "Arabic Digits only (Table V), neither of which installs offline: no published number "
    "for this set. aeon and tslearn come with the bench extra; without tslearn the "
    "TimeSeriesKMeans rows are skipped."
)
_EQUAL_LENGTH = "All series have one length: KMeans gets them flattened."
_VARIABLE_LENGTH = (
    "The recurrent models get the series as a list of (length, channels) arrays; KMeans and "
    "TimeSeriesKMeans (euclidean), which need one length, get each series linearly "
    "interpolated to the longest length (KMeans then flattened); TimeSeriesKMeans (DTW) "
    "gets them NaN-padded (tslearn's layout), which it reads as series of different lengths."
)

for _name, _protocol, _title, _data in [
    ("basicmotions", "basicmotions-series", "BasicMotions", _EQUAL_LENGTH),
    ("gunpoint", "gunpoint-series", "GunPoint", _EQUAL_LENGTH),
    ("arrowhead", "arrowhead-series", "ArrowHead", _EQUAL_LENGTH),
    ("trace", "trace-series", "Trace", _EQUAL_LENGTH),
    ("basicmotions_cropped", "basicmotions-cropped-series", "BasicMotions cropped",
     "Each BasicMotions series keeps its first 50 to 100 of its 100 steps (drawn uniformly "
     "with seed 0; normalised after cropping). " + _VARIABLE_LENGTH),
    ("japanesevowels", "japanesevowels-series", "JapaneseVowels",
     "Series of different lengths as recorded. " + _VARIABLE_LENGTH),
]:
    add(Protocol(
        name=_protocol,
        title=f"{_title} ({SERIES_SETS[_name][2]}): RDDC and RDTKC against KMeans and "
              "TimeSeriesKMeans",
        dataset=_name,
        kind="paper",
        methods=SERIES_PROTOCOL_METHODS,
        n_seeds=5,
        notes=_SERIES_NOTES.format(data=_data, n_init=SERIES_N_INIT),
    ))
