import getpass
from pathlib import Path

import click

from vocabulary.i18n import N_, _
from workflow.errors import WorkflowError
from workflow.people.accounts import save_user
from workflow.people.permissions import ROLES, Actor, role_label

from .common import database, fail, say, wall_clock


@click.group("users", help=N_("User accounts."))
def group() -> None:
    pass


@group.command("create", help=N_("Create a login. Without --password a random one is generated and printed once."))
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--unit", "unit_name", help=N_("The unit's name, for role 'unit'."))
@click.option("--password", help=N_("At least 10 characters; random when left out."))
@click.option("--reset", is_flag=True, help=N_("If the user exists, set role, unit and a new password."))
@click.option("--name", help=N_("The person's full name, as documents print it under a signature."))
def create(email: str, role: str, unit_name: str | None, password: str | None, reset: bool, name: str | None) -> None:
    with database().session() as session:
        try:
            user, password_set, created = save_user(
                session, email=email, role=role, unit_name=unit_name, password=password,
                reset_existing=reset, name=name, actor=Actor.command_line(getpass.getuser()), now=wall_clock(),
            )
        except WorkflowError as error:
            fail(error)
        if created:
            say("Created {email} ({role}).", email=user.email, role=role_label(role))
        else:
            say("Updated {email} ({role}).", email=user.email, role=role_label(role))
        if not password:
            say("Password: {password}", password=password_set)


@group.command("signing-key", help=N_("Register the key EMAIL signs documents with: a PKCS#12 file (--p12) or a PKCS#11 token "
               "(--pkcs11 MODULE --token LABEL --key LABEL); secrets only by the name of the environment variable holding them. "
               "--image: the signature's PNG (blue, transparent), or for a clerk the body's seal (red)."))
@click.argument("email")
@click.option("--p12", "p12_path", type=click.Path(path_type=Path, exists=True, dir_okay=False), help=N_("The PKCS#12 file."))
@click.option("--passphrase-env", help=N_("The environment variable holding the PKCS#12 passphrase."))
@click.option("--pkcs11", "module", help=N_("The PKCS#11 module (e.g. /usr/lib/softhsm/libsofthsm2.so)."))
@click.option("--token", help=N_("The token's label."))
@click.option("--key", "key_label", help=N_("The key's label (its certificate has the same label)."))
@click.option("--pin-env", help=N_("The environment variable holding the token's user PIN."))
@click.option("--image", type=click.Path(path_type=Path, exists=True, dir_okay=False), help=N_("The signature image (PNG)."))
def signing_key(email: str, p12_path: Path | None, passphrase_env: str | None, module: str | None, token: str | None,
                key_label: str | None, pin_env: str | None, image: Path | None) -> None:
    from documents.signatures.keys import KeySpec, SigningError  # pyHanko: loaded by this command only
    from web.files import file_store
    from workflow.people.signing_keys import register_key

    if bool(p12_path) == bool(module) or (module and not (token and key_label)):
        raise click.UsageError(str(_("Give either --p12 PATH or --pkcs11 MODULE --token LABEL --key LABEL.")))
    try:
        spec = (KeySpec("p12", p12_path=str(p12_path.resolve()), passphrase_env=passphrase_env) if p12_path
                else KeySpec("pkcs11", module=module, token=token, key=key_label, pin_env=pin_env))
    except SigningError as error:
        raise click.UsageError(str(error)) from None
    with database().session() as session:
        try:
            stored = file_store().store_path(image).recorded() if image else None
            key = register_key(session, email, spec, actor=Actor.command_line(getpass.getuser()), now=wall_clock(), image=stored)
        except WorkflowError as error:
            fail(error)
        certificate = key.certificate
        say("Signing key of {email}: {subject} (serial {serial}, issued by {issuer}), valid until {until}.", email=email,
            subject=certificate["common_name"], serial=certificate["serial"], issuer=certificate["issuer"],
            until=certificate["not_after"][:10])
