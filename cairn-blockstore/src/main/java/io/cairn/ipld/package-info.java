/**
 * Just enough IPLD to walk DAGs: {@link io.cairn.ipld.Links} finds the child CIDs of dag-pb,
 * dag-cbor and dag-json blocks, and {@link io.cairn.ipld.DagCbor} reads and writes the DAG-CBOR
 * that CAR headers are made of.
 */
package io.cairn.ipld;
