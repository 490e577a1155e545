package dev.incidents.support.problem;

/** Thrown anywhere in a request to answer with the given problem; nothing of the request is kept. */
public class ProblemException extends RuntimeException {

    private final Problem problem;

    public ProblemException(Problem problem) {
        super(problem.detail(), null, false, false);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
