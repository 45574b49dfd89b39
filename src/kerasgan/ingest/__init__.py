"""The data stages of the Pikachu pipeline (seeds 000/001), in the order they run.

    download  (download.py, search.py, imagetypes.py)   image search -> DATA_DIR/downloads/
    reshape   (reshape.py)                               downloads -> DATA_DIR/reshaped/
    label     (label.py, label.html)                     click reshaped images into labeled/
    filter    (filter.py, filter_model.py, filter_data.py, filter_report.py)
                                                         the find-TARGET CNN -> DATA_DIR/predicted/

download and reshape decode untrusted web content and run in the ingestion environment
(.venv-ingest: a maintained Python and Pillow, no TensorFlow); label and filter in the legacy one.
"""
