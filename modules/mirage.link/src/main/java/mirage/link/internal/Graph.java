package mirage.link.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import mirage.link.Impl;

/**
 * A configured job's device graph as a DAG: every distinct node once (nodes are equal when their
 * {@link Impl} values are, see {@link Impl}), numbered from 1 in evaluation order, which puts
 * each node after its inputs: the order in which a depth-first walk of {@code start}'s
 * parameters, left to right and each node's inputs left to right, finishes them. The same job
 * always gives the same graph.
 */
public final class Graph {

    /**
     * One node.
     *
     * @param id its number, from 1, in evaluation order
     * @param impl what it is
     * @param inputs the ids of its inputs, in the order its method takes them (receiver first)
     */
    public record Node(int id, Impl<?> impl, List<Integer> inputs) {
        public Node {
            inputs = List.copyOf(inputs);
        }
    }

    private final List<Node> nodes;
    private final List<Integer> start;

    private Graph(List<Node> nodes, List<Integer> start) {
        this.nodes = List.copyOf(nodes);
        this.start = List.copyOf(start);
    }

    /**
     * The graph of {@code start}'s implementations.
     *
     * @throws IllegalArgumentException if a configure key is not resolved yet
     */
    public static Graph of(List<Impl<?>> start) {
        Map<Impl<?>, Integer> ids = new HashMap<>();
        List<Node> nodes = new ArrayList<>();
        List<Integer> roots = new ArrayList<>();
        for (Impl<?> impl : start) {
            roots.add(visit(impl, ids, nodes));
        }
        return new Graph(nodes, roots);
    }

    private static int visit(Impl<?> impl, Map<Impl<?>, Integer> ids, List<Node> nodes) {
        Integer known = ids.get(impl);
        if (known != null) {
            return known;
        }
        List<Integer> inputs = new ArrayList<>();
        for (Impl<?> input : inputsOf(impl)) {
            inputs.add(visit(input, ids, nodes));
        }
        int id = nodes.size() + 1;
        nodes.add(new Node(id, impl, inputs));
        ids.put(impl, id);
        return id;
    }

    /** The inputs of a node, as the description gave them. */
    static List<Impl<?>> inputsOf(Impl<?> impl) {
        return switch (impl) {
            case Impl.Call<?> c -> c.inputs();
            case Impl.Select<?> s -> throw new IllegalArgumentException("configure key --" + s.key()
                    + " is not resolved: configure resolves every select before the graph is made");
            default -> List.of();
        };
    }

    /** The nodes, in evaluation order; node {@code i} is at index {@code i - 1}. */
    public List<Node> nodes() {
        return nodes;
    }

    /** The node of each {@code start} parameter, in parameter order. */
    public List<Integer> start() {
        return start;
    }

    /** The node numbered {@code id}. */
    public Node node(int id) {
        return nodes.get(id - 1);
    }

    /** The nodes that take node {@code id} as an input, ascending (each once). */
    public List<Integer> users(int id) {
        List<Integer> users = new ArrayList<>();
        for (Node n : nodes) {
            if (n.inputs().contains(id)) {
                users.add(n.id());
            }
        }
        return users;
    }

    /** The parameters of {@code start} (from 0) that node {@code id} is passed as, ascending. */
    public List<Integer> startParameters(int id) {
        List<Integer> params = new ArrayList<>();
        for (int i = 0; i < start.size(); i++) {
            if (start.get(i) == id) {
                params.add(i);
            }
        }
        return params;
    }
}
