"""The Spark session a storylens job runs in: the user's master, or `local[*]` when none is set."""

from __future__ import annotations

import os
import shutil
import sys
from typing import Any

from storylens.errors import MissingExtraError, StorylensError

DEFAULT_MASTER = "local[*]"
LOCAL_MASTERS = ("local", "local[", "local-cluster[")


def java_missing() -> str | None:
    """Why Spark cannot start here, or None when a Java runtime is at hand."""
    home = os.environ.get("JAVA_HOME")
    if home and os.path.exists(os.path.join(home, "bin", "java")):
        return None
    if shutil.which("java"):
        return None
    return (
        "Apache Spark needs a Java runtime (17 or later) and none was found: install one "
        "(Debian: apt-get install openjdk-17-jre-headless) or set JAVA_HOME"
    )


def spark_session(master: str | None = None, app_name: str = "storylens") -> Any:
    """A SparkSession on `master`; without one, the master spark-submit or the Spark settings
    give, else every core of this machine. Raises a StorylensError that says what to install."""
    try:
        from pyspark import SparkConf
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise MissingExtraError("pyspark", "spark") from exc
    missing = java_missing()
    if missing:
        raise StorylensError(missing)
    conf = SparkConf().setAppName(app_name)
    if master:
        conf.setMaster(master)
    elif not conf.contains("spark.master"):
        conf.setMaster(DEFAULT_MASTER)
    chosen = conf.get("spark.master") or DEFAULT_MASTER
    if chosen.startswith(LOCAL_MASTERS):
        # Executors on this machine run the interpreter that runs storylens, so that they import
        # the same installation; on a cluster the user's PYSPARK_PYTHON decides.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        conf.set("spark.ui.enabled", "false")
    conf.set("spark.ui.showConsoleProgress", "false")
    session = SparkSession.builder.config(conf=conf).getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session
