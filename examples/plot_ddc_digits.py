"""DDC on scikit-learn's digits, next to KMeans, with the loss terms per epoch.

Run: python examples/plot_ddc_digits.py   (needs matplotlib: pip install -e ".[plot]")
"""

import matplotlib.pyplot as plt
from sklearn.cluster import KMeans
from sklearn.datasets import load_digits
from sklearn.metrics import normalized_mutual_info_score

from skdeepclust import DDC
from skdeepclust.metrics import clustering_accuracy

X, y = load_digits(return_X_y=True)
X = X / 16.0  # grey levels 0..16 -> [0, 1]

ddc = DDC(n_clusters=10, n_init=3, random_state=0).fit(X)
kmeans = KMeans(10, n_init=10, random_state=0).fit(X)
for name, labels in [("DDC", ddc.labels_), ("KMeans", kmeans.labels_)]:
    print(f"{name:7s} ACC {clustering_accuracy(y, labels):.3f}  "
          f"NMI {normalized_mutual_info_score(y, labels):.3f}")
print("total loss of each restart:", ddc.restart_scores_.round(3))

history = ddc.net_.history
fig, ax = plt.subplots(figsize=(6, 4))
for term in ("separation", "orthogonality", "simplex"):
    ax.plot(history[:, "epoch"], history[:, f"train_{term}"], label=term)
ax.set_xlabel("epoch")
ax.set_ylabel("loss term (training mean)")
ax.set_title("DDC loss terms of the selected restart")
ax.legend()
fig.tight_layout()
plt.show()
