/**
 * CAR (content-addressed archive) streams, the bulk import and export format of IPFS:
 * {@link io.cairn.car.CarReader} reads CARv1 and the v1 payload of CARv2, and
 * {@link io.cairn.car.CarWriter} writes CARv1. Structure is checked while streaming; hashes are
 * left to the store that receives the blocks.
 */
package io.cairn.car;
