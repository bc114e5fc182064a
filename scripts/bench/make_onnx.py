#!/usr/bin/python3
"""Writes the ONNX graphs of the benchmark (Debian's python3-onnx): the same attention layer as
`attention-cli bench` (Q, K, V, W_O projections without bias, h heads, scale 1/sqrt(d_k), row softmax)
its attention-only part (inputs Q, K, V), and one projection's MatMul (the sgemm ceiling). Weights are random like the bench's; only the shapes
matter for timing. Usage: make_onnx.py OUT_DIR D_MODEL HEADS"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def attention_nodes(q, k, v, out, n_sym, d_model, heads):
    dk = d_model // heads
    nodes = []
    inits = [
        numpy_helper.from_array(np.array([-1, heads, dk], dtype=np.int64), "split_heads"),
        numpy_helper.from_array(np.array([-1, d_model], dtype=np.int64), "join_heads"),
        numpy_helper.from_array(np.array(1.0 / np.sqrt(dk), dtype=np.float32), "scale"),
    ]
    for name in ("q", "k", "v"):
        src = {"q": q, "k": k, "v": v}[name]
        nodes.append(helper.make_node("Reshape", [src, "split_heads"], [name + "_3d"]))
    # q, v: (h, N, dk); k: (h, dk, N)
    nodes.append(helper.make_node("Transpose", ["q_3d"], ["q_h"], perm=[1, 0, 2]))
    nodes.append(helper.make_node("Transpose", ["k_3d"], ["k_t"], perm=[1, 2, 0]))
    nodes.append(helper.make_node("Transpose", ["v_3d"], ["v_h"], perm=[1, 0, 2]))
    nodes.append(helper.make_node("MatMul", ["q_h", "k_t"], ["scores"]))          # (h, N, N)
    nodes.append(helper.make_node("Mul", ["scores", "scale"], ["scaled"]))
    nodes.append(helper.make_node("Softmax", ["scaled"], ["weights"], axis=-1))
    nodes.append(helper.make_node("MatMul", ["weights", "v_h"], ["heads_out"]))   # (h, N, dk)
    nodes.append(helper.make_node("Transpose", ["heads_out"], ["concat_3d"], perm=[1, 0, 2]))
    nodes.append(helper.make_node("Reshape", ["concat_3d", "join_heads"], [out]))  # (N, h·dk)
    return nodes, inits


def main():
    out_dir, d_model, heads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    os.makedirs(out_dir, exist_ok=True)
    rng = np.random.default_rng(1)
    w = {name: numpy_helper.from_array((rng.standard_normal((d_model, d_model)) / np.sqrt(d_model)).astype(np.float32), name)
         for name in ("w_q", "w_k", "w_v", "w_o")}
    row = lambda name: helper.make_tensor_value_info(name, TensorProto.FLOAT, ["N", d_model])

    # the layer: x (N × d_model) → output (N × d_model)
    nodes = [helper.make_node("MatMul", ["x", "w_q"], ["q"]), helper.make_node("MatMul", ["x", "w_k"], ["k"]),
             helper.make_node("MatMul", ["x", "w_v"], ["v"])]
    att, inits = attention_nodes("q", "k", "v", "concat", "N", d_model, heads)
    nodes += att + [helper.make_node("MatMul", ["concat", "w_o"], ["output"])]
    graph = helper.make_graph(nodes, "attention_layer", [row("x")], [row("output")], list(w.values()) + inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(out_dir, "attention_layer.onnx"))

    # attention alone: q, k, v (N × d_model each) → concat (N × d_model)
    att, inits = attention_nodes("q", "k", "v", "concat", "N", d_model, heads)
    graph = helper.make_graph(att, "attention_only", [row("q"), row("k"), row("v")], [row("concat")], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(out_dir, "attention_only.onnx"))

    # one projection: x (N × d_model) · w_q (d_model × d_model), onnxruntime's sgemm (MLAS)
    graph = helper.make_graph([helper.make_node("MatMul", ["x", "w_q"], ["y"])], "matmul", [row("x")], [row("y")],
                              [w["w_q"]])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(out_dir, "matmul.onnx"))


if __name__ == "__main__":
    main()
