"""The shared digit datasets: a real-format mnist.npz, the offline error, the embedded digits."""
import socket

import numpy as np
import pytest

from kerasgan.datasets import mnist


def write_mnist_npz(path, n=40, seed=0):
    """A small file in Keras's mnist.npz format (x_train/y_train/x_test/y_test)."""
    rng = np.random.RandomState(seed)
    x = rng.randint(0, 256, size=(n, 28, 28)).astype(np.uint8)
    y = (np.arange(n) % 10).astype(np.uint8)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(str(path), x_train=x, y_train=y, x_test=x[:4], y_test=y[:4])
    return x, y


def test_given_mnist_npz_is_read_directly(tmp_path):
    x, y = write_mnist_npz(tmp_path / "mnist.npz")
    got_x, got_y = mnist.load_mnist(tmp_path / "mnist.npz")
    assert got_x.dtype == np.uint8 and got_x.shape == (40, 28, 28) and np.array_equal(got_x, x)
    assert got_y.dtype == np.int64 and np.array_equal(got_y, y)


def test_bad_or_missing_npz_is_a_data_error(tmp_path):
    with pytest.raises(mnist.DataError, match="no such file"):
        mnist.load_mnist(tmp_path / "absent.npz")
    np.savez(str(tmp_path / "other.npz"), images=np.zeros((2, 28, 28)))
    with pytest.raises(mnist.DataError, match="x_train"):
        mnist.load_mnist(tmp_path / "other.npz")


def closed_port():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def test_offline_without_cache_says_what_to_get_and_where(tmp_path, monkeypatch):
    home = tmp_path / "home"
    (home / ".keras").mkdir(parents=True)   # Keras creates ~/.keras when it is first imported
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setattr(mnist, "MNIST_URL", "http://127.0.0.1:%d/mnist.npz" % closed_port())
    with pytest.raises(mnist.DataError) as error:
        mnist.load_mnist()
    message = str(error.value)
    assert "\n" not in message
    assert "https://s3.amazonaws.com/img-datasets/mnist.npz" in message
    assert str(home / ".keras" / "datasets" / "mnist.npz") in message
    assert not (home / ".keras" / "datasets" / "mnist.npz").exists()


def test_cached_file_with_the_right_md5_is_used(tmp_path, monkeypatch):
    """get_file accepts the cache when the md5 matches: pin the hash to our fixture's."""
    import hashlib
    home = tmp_path / "home"
    cached = home / ".keras" / "datasets" / "mnist.npz"
    x, _ = write_mnist_npz(cached, n=12)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setattr(mnist, "MNIST_URL", "http://127.0.0.1:%d/mnist.npz" % closed_port())
    monkeypatch.setattr(mnist, "MNIST_MD5", hashlib.md5(cached.read_bytes()).hexdigest())
    got_x, _ = mnist.load_mnist()
    assert np.array_equal(got_x, x)


def test_embedded_digits_are_28x28_framed_and_deterministic():
    x, y = mnist.load_digits28()
    assert x.shape == (1797, 28, 28) and x.dtype == np.uint8 and y.dtype == np.int64
    assert sorted(set(y.tolist())) == list(range(10))
    # MNIST's framing: 4 black pixels on every side, the digit inside 20x20
    assert x[:, :4].max() == 0 and x[:, -4:].max() == 0 and x[:, :, :4].max() == 0 and x[:, :, -4:].max() == 0
    assert x[:, 4:24, 4:24].max() == 255
    again, _ = mnist.load_digits28()
    assert np.array_equal(x, again)
