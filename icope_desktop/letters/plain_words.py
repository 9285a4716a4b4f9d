"""Plain-language wording for the patient summary (issue 5: "votre mobilité", not
« locomotion altérée »).

The professional labels of the spec (§0 domains, §5 recommendations) are written for
clinicians. The patient reads the same facts in everyday words: one phrase per capacity,
one per status, and one per care-plan recommendation code of `screening.recommendations`
(a test checks that every code has its phrase). A line the practitioner typed is shown
as typed: it is already their own words to the patient.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from icope_desktop.i18n import Text
from icope_desktop.screening import Domain, DomainStatus

CAPACITY: Mapping[Domain, Text] = MappingProxyType({
    Domain.COGNITION: Text(fr="Votre mémoire", en="Your memory"),
    Domain.LOCOMOTION: Text(fr="Votre mobilité (se lever, marcher)",
                            en="Your mobility (getting up, walking)"),
    Domain.VITALITY: Text(fr="Votre alimentation et votre poids", en="Your eating and weight"),
    Domain.VISION: Text(fr="Votre vue", en="Your eyesight"),
    Domain.HEARING: Text(fr="Votre audition", en="Your hearing"),
    Domain.PSYCHOLOGICAL: Text(fr="Votre moral", en="Your mood"),
})  # fmt: skip

OUTCOME: Mapping[DomainStatus, Text] = MappingProxyType({
    DomainStatus.NORMAL: Text(fr="Rien d'inquiétant aujourd'hui", en="Nothing worrying today"),
    DomainStatus.ALTERED: Text(fr="Mérite de l'attention", en="Needs attention"),
    DomainStatus.NOT_EVALUATED: Text(fr="Pas vérifié cette fois", en="Not checked this time"),
})  # fmt: skip

ADVICE: Mapping[str, Text] = MappingProxyType({
    "LOCO_EXERCISE": Text(
        fr="Faire chaque semaine des exercices pour les jambes, l'équilibre et le souffle.",
        en="Exercise every week for your legs, your balance and your breathing."),
    "LOCO_VIVIFRAIL": Text(
        fr="Suivre à la maison un programme d'exercices adapté (par exemple Vivifrail).",
        en="Follow a home exercise programme made for you (for example Vivifrail)."),
    "LOCO_FALLS_HOME": Text(
        fr="Rendre la maison plus sûre pour éviter les chutes (tapis, éclairage, barres "
           "d'appui).",
        en="Make your home safer to avoid falls (rugs, lighting, grab bars)."),
    "LOCO_REVIEW": Text(
        fr="Faire le point avec votre médecin sur vos médicaments et vos douleurs.",
        en="Go over your medicines and any pain with your doctor."),
    "VITA_ONS_DIET": Text(
        fr="Si votre médecin le juge utile : des compléments alimentaires et des conseils "
           "pour bien manger.",
        en="If your doctor thinks it useful: food supplements and advice on eating well."),
    "VITA_MEALS": Text(
        fr="Prendre des repas avec plaisir, en compagnie quand c'est possible ; une aide pour "
           "les courses ou les repas peut être trouvée.",
        en="Enjoy your meals, with company when you can; help with shopping or meals can be "
           "arranged."),
    "VIS_EYE_CARE": Text(
        fr="Prendre rendez-vous chez l'ophtalmologiste (médecin des yeux).",
        en="Book an appointment with an eye doctor."),
    "VIS_RISK_FACTORS": Text(
        fr="Bien suivre les traitements de la tension et du diabète : ils protègent aussi "
           "les yeux.",
        en="Keep taking your blood pressure and diabetes treatments: they protect your eyes "
           "too."),
    "VIS_HOME": Text(
        fr="Bien éclairer la maison et dégager les passages.",
        en="Keep your home well lit and the way clear."),
    "HEAR_AIDS": Text(
        fr="Faire contrôler votre audition ; un appareil auditif peut aider.",
        en="Have your hearing checked; a hearing aid may help."),
    "HEAR_ENT": Text(
        fr="Voir un médecin ORL (spécialiste des oreilles) si votre médecin le conseille.",
        en="See an ear specialist if your doctor advises it."),
    "HEAR_DEVICES": Text(
        fr="Des appareils simples existent : téléphone amplifié, sonnette lumineuse.",
        en="Simple devices exist: louder telephones, flashing doorbells."),
    "COG_STIMULATION": Text(
        fr="Garder l'esprit actif : lecture, jeux, activités en groupe.",
        en="Keep your mind active: reading, games, group activities."),
    "COG_EXERCISE": Text(
        fr="Bouger régulièrement : c'est bon aussi pour la mémoire.",
        en="Move regularly: it is good for your memory too."),
    "COG_RISK_FACTORS": Text(
        fr="Prendre soin de votre cœur : tension, diabète, tabac.",
        en="Look after your heart: blood pressure, diabetes, smoking."),
    "COG_REVIEW": Text(
        fr="Votre médecin fera le point sur vos médicaments, votre alimentation et votre "
           "moral.",
        en="Your doctor will go over your medicines, your eating and your mood."),
    "COG_SOCIAL_CARE": Text(
        fr="Des aides existent pour vous et pour vos proches : parlons-en.",
        en="Help exists for you and for your family: let us talk about it."),
    "COG_MEMORY_CLINIC": Text(
        fr="Votre médecin pourra vous proposer une consultation mémoire.",
        en="Your doctor may suggest a visit to a memory clinic."),
    "PSY_BRIEF_CBT": Text(
        fr="Parler à un professionnel (psychologue) peut vous aider.",
        en="Talking with a professional (a psychologist) can help."),
    "PSY_EXERCISE_MINDFULNESS": Text(
        fr="Bouger chaque jour et prendre des moments de calme.",
        en="Move every day and take quiet moments for yourself."),
    "PSY_SPECIALIST": Text(
        fr="Votre médecin pourra vous orienter vers un spécialiste si besoin.",
        en="Your doctor can send you to a specialist if needed."),
    "PSY_REVIEW": Text(
        fr="Votre médecin cherchera une cause physique possible (prise de sang, douleurs, "
           "médicaments).",
        en="Your doctor will look for a physical cause (blood test, pain, medicines)."),
    "PSY_SOCIAL": Text(
        fr="Garder du lien : famille, amis, voisins, associations.",
        en="Stay in touch: family, friends, neighbours, clubs."),
    "PSY_ITEM9_SAFETY": Text(
        fr="Nous avons parlé ensemble de votre moral ; votre médecin traitant est informé.",
        en="We talked together about your mood; your GP has been told."),
})  # fmt: skip
"""The safety line of a PHQ-9 item-9 alert (spec §3.6) is the practitioner's record of
what they checked and did: for the patient it is only this gentle sentence (the 3114
box already says whom to call), never the clinical wording or the recorded action."""

SAFETY_TALK_WITHOUT_GP = Text(
    fr="Nous avons parlé ensemble de votre moral.",
    en="We talked together about your mood.",
)
"""The same sentence when no GP is on file: "your GP has been told" would be untrue."""
