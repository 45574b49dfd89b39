"""The pieces of `make demo`: an offline stand-in for the web, so every stage runs for real.

    corpus.py    render Noto Color Emoji into DATA_DIR/demo-corpus/ (images + index.csv)
    search.py    serve that corpus as a local image search on loopback (HTTP page, HTTPS images)
    label.py     labeled/ from the shipped labels.csv (the demo cannot ask anyone to click)
"""
