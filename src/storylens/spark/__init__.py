"""Storylens on Apache Spark: `storylens cluster` and corpus briefings over partitions, with the
same functions as on one machine (install `storylens[spark]`; Spark needs Java 17)."""

from storylens.spark.cluster import SparkClusterResult, cluster_corpus_spark
from storylens.spark.session import java_missing, spark_session

__all__ = ["SparkClusterResult", "cluster_corpus_spark", "java_missing", "spark_session"]
