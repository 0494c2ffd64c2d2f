package io.jenkins.plugins.selftest.engine.process;

/** Every test of {@link KeeperIT} with {@code keeper.pl}, the keeper where the compiled one is missing or cannot run. */
class PerlKeeperIT extends KeeperIT {

    @Override
    Keeper.Kind kind() {
        return Keeper.Kind.PERL;
    }
}
