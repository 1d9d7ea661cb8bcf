package devices

import "errors"

func (r *Resolver) libSettings(in layer) (sshSettings, error) {
	return sshSettings{}, errors.New("not yet")
}
